import { describe, expect, it } from 'vitest';
import type { SnapshotInfo } from '../../src/shared/repositories.ts';
import {
  applyFilter,
  filterChoices,
  previousVersion,
  shortPath,
  toVersions,
  type VersionStatus,
} from '../../src/renderer/timeline/versions.ts';
import {
  bucketEdges,
  bucketize,
  initialZoom,
  shiftWindow,
  ticksFor,
  windowAround,
} from '../../src/renderer/timeline/zoom.ts';

let counter = 0;
function snap(time: Date, over: Partial<SnapshotInfo> = {}): SnapshotInfo {
  counter += 1;
  const id = counter.toString(16).padStart(64, '0');
  return {
    id,
    shortId: id.slice(0, 8),
    time: time.toISOString(),
    hostname: 'office-pc',
    username: 'owner',
    paths: ['/srv/crm'],
    tags: ['job:crm'],
    jobId: 'crm',
    parent: null,
    summary: {
      filesNew: 1,
      filesChanged: 0,
      filesUnmodified: 10,
      dataAdded: 1000,
      dataAddedPacked: 500,
      totalFiles: 11,
      totalBytes: 11_000,
      durationSeconds: 2,
    },
    ...over,
  };
}

// Local times, so the tests mean the same in every time zone.
const at = (month: number, day: number, hour = 12) => new Date(2026, month - 1, day, hour, 0, 0);

describe('windows', () => {
  it('are calendar days, Monday weeks, months and years around the anchor', () => {
    const anchor = at(5, 20, 15).getTime(); // Wednesday 20 May 2026
    expect(windowAround('day', anchor)).toEqual({
      start: at(5, 20, 0).getTime(),
      end: at(5, 21, 0).getTime(),
    });
    expect(windowAround('week', anchor)).toEqual({
      start: at(5, 18, 0).getTime(),
      end: at(5, 25, 0).getTime(),
    });
    expect(windowAround('month', anchor)).toEqual({
      start: at(5, 1, 0).getTime(),
      end: at(6, 1, 0).getTime(),
    });
    expect(windowAround('year', anchor)).toEqual({
      start: at(1, 1, 0).getTime(),
      end: new Date(2027, 0, 1).getTime(),
    });
    const week = windowAround('week', anchor);
    expect(shiftWindow('week', week, 1).start).toBe(week.end);
    expect(shiftWindow('week', week, -1).end).toBe(week.start);
  });

  it('cut into a drawable number of buckets whatever the zoom', () => {
    const anchor = at(5, 20).getTime();
    const count = (zoom: 'day' | 'week' | 'month' | 'year') =>
      bucketEdges(zoom, windowAround(zoom, anchor)).length - 1;
    expect(count('day')).toBe(24);
    expect(count('week')).toBe(28);
    expect(count('month')).toBe(31);
    expect(count('year')).toBe(53);
    expect(ticksFor('year', windowAround('year', anchor))).toHaveLength(12);
    expect(ticksFor('day', windowAround('day', anchor)).map((t) => new Date(t.time).getHours())).toEqual([
      0, 3, 6, 9, 12, 15, 18, 21,
    ]);
  });
});

describe('bucketize', () => {
  it('counts versions, adds up data and keeps the worst status of each bucket', () => {
    const statuses = new Map<string, VersionStatus>();
    const list = [
      snap(at(5, 19, 23)),
      snap(at(5, 20, 9)),
      snap(at(5, 20, 9)),
      snap(at(5, 20, 17)),
      snap(at(5, 21, 1)),
    ];
    statuses.set(list[2]!.id, 'warning');
    statuses.set(list[1]!.id, 'ok');
    const versions = toVersions(list, statuses);
    const buckets = bucketize(versions, 'day', windowAround('day', at(5, 20).getTime()));
    const used = buckets.filter((b) => b.count > 0);
    expect(used.map((b) => [new Date(b.start).getHours(), b.count, b.dataAdded, b.status])).toEqual([
      [9, 2, 2000, 'warning'],
      [17, 1, 1000, 'unknown'],
    ]);
    // `first` points into the list, so a click can pick the bucket's newest version.
    expect(versions[used[0]!.first + used[0]!.count - 1]!.snapshot.id).toBe(list[2]!.id);
  });

  it('handles 2,000 versions quickly', () => {
    const start = at(1, 1).getTime();
    const list = Array.from({ length: 2000 }, (_, i) => snap(new Date(start + i * 4 * 3_600_000)));
    const versions = toVersions(list, new Map());
    const began = performance.now();
    for (const zoom of ['day', 'week', 'month', 'year'] as const) {
      const buckets = bucketize(versions, zoom, windowAround(zoom, versions[1000]!.time));
      expect(buckets.length).toBeLessThanOrEqual(53);
    }
    const year = bucketize(versions, 'year', windowAround('year', start));
    expect(year.reduce((n, b) => n + b.count, 0)).toBe(
      versions.filter((v) => v.time < new Date(2027, 0, 1).getTime()).length,
    );
    expect(performance.now() - began).toBeLessThan(50);
  });
});

describe('versions', () => {
  it('compares a version with its parent, else the previous one of the same job', () => {
    const a = snap(at(5, 1));
    const other = snap(at(5, 2), { jobId: 'mail', tags: ['job:mail'] });
    const b = snap(at(5, 3));
    const c = snap(at(5, 4), { parent: a.id });
    const versions = toVersions([c, b, other, a], new Map());
    const find = (s: SnapshotInfo) => versions.find((v) => v.snapshot.id === s.id)!;
    expect(previousVersion(versions, find(a))).toBeNull();
    expect(previousVersion(versions, find(b))!.snapshot.id).toBe(a.id);
    expect(previousVersion(versions, find(c))!.snapshot.id).toBe(a.id);
    expect(previousVersion(versions, find(other))!.snapshot.id).toBe(a.id);
  });

  it('filters by job, tag and computer and offers the values found', () => {
    const list = [
      snap(at(5, 1), { tags: ['job:crm', 'before-update'] }),
      snap(at(5, 2), { hostname: 'laptop', jobId: null, tags: [] }),
      snap(at(5, 3)),
    ];
    const versions = toVersions(list, new Map());
    expect(filterChoices(versions)).toEqual({
      jobIds: ['crm'],
      hosts: ['office-pc', 'laptop'],
      tags: ['before-update'],
    });
    expect(applyFilter(versions, { jobId: 'crm', tag: null, host: null })).toHaveLength(2);
    expect(applyFilter(versions, { jobId: null, tag: 'before-update', host: null })).toHaveLength(1);
    expect(applyFilter(versions, { jobId: null, tag: null, host: 'laptop' })).toHaveLength(1);
  });

  it('shows changed paths relative to the backed-up folder', () => {
    expect(shortPath('/srv/crm/uploads/a.pdf', ['/srv/crm'])).toBe('uploads/a.pdf');
    expect(shortPath('/srv/crm-old/a.pdf', ['/srv/crm'])).toBe('/srv/crm-old/a.pdf');
    expect(shortPath('/srv/crm/x/a.pdf', ['/srv', '/srv/crm/x'])).toBe('a.pdf');
    expect(shortPath('/etc/hosts', ['/'])).toBe('etc/hosts');
  });

  it('opens on the smallest zoom that shows about ten recent versions', () => {
    const daily = toVersions(
      Array.from({ length: 40 }, (_, i) => snap(at(3, 1 + i))),
      new Map(),
    );
    expect(initialZoom(daily)).toBe('month');
    const hourly = toVersions(
      Array.from({ length: 20 }, (_, i) => snap(at(5, 20, i + 1))),
      new Map(),
    );
    expect(initialZoom(hourly)).toBe('day');
    expect(initialZoom([])).toBe('month');
  });
});
