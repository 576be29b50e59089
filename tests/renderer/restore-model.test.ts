import { describe, expect, it } from 'vitest';
import type { SnapshotInfo, TreeEntry } from '../../src/shared/repositories.ts';
import {
  backupVersions,
  breadcrumbs,
  dayKey,
  filterEntries,
  formatEta,
  chosenAbove,
  databaseCopyToOffer,
  includeList,
  isSelected,
  isWithin,
  parentPath,
  selectAllState,
  setAll,
  singleDumpIn,
  suggestedFolder,
  toggleEntry,
  versionsNewestFirst,
  versionsPerDay,
} from '../../src/renderer/restore/restore-model.ts';

const entry = (path: string, type: TreeEntry['type'] = 'file'): TreeEntry => ({
  name: path.slice(path.lastIndexOf('/') + 1),
  path,
  type,
  size: 1,
  mtime: '2026-11-29T10:00:00Z',
});

const snapshot = (id: string, time: string, tags: string[] = []): SnapshotInfo => ({
  id: id.repeat(64).slice(0, 64),
  shortId: id,
  time,
  hostname: 'pc',
  username: 'u',
  paths: ['/srv/crm'],
  tags,
  jobId: null,
  parent: null,
  summary: null,
});

describe('paths in a snapshot', () => {
  it('goes up one folder, stopping at the top', () => {
    expect(parentPath('/srv/crm/db.sqlite')).toBe('/srv/crm');
    expect(parentPath('/srv')).toBe('/');
    expect(parentPath('/')).toBe('/');
  });

  it('makes breadcrumbs from the top', () => {
    expect(breadcrumbs('/srv/crm')).toEqual([
      { path: '/', name: '' },
      { path: '/srv', name: 'srv' },
      { path: '/srv/crm', name: 'crm' },
    ]);
    expect(breadcrumbs('/')).toEqual([{ path: '/', name: '' }]);
  });

  it('knows what is inside a folder, without confusing similar names', () => {
    expect(isWithin('/srv/crm/a', '/srv/crm')).toBe(true);
    expect(isWithin('/srv/crm', '/srv/crm')).toBe(true);
    expect(isWithin('/srv/crm2/a', '/srv/crm')).toBe(false);
    expect(isWithin('/anything', '/')).toBe(true);
  });
});

describe('the selection', () => {
  it('sends a folder once, not the files in it too', () => {
    expect(includeList(['/srv/crm/a.txt', '/srv/crm', '/srv/other/b', '/srv/crm2'])).toEqual([
      '/srv/crm',
      '/srv/crm2',
      '/srv/other/b',
    ]);
    expect(includeList([])).toEqual([]);
  });

  it('a chosen "/" is the whole version', () => {
    expect(includeList(['/', '/srv/crm'])).toEqual([]);
  });

  it('ticks and unticks single entries', () => {
    const entries = [entry('/f/a'), entry('/f/b'), entry('/f/c')];
    let selected = toggleEntry(new Set(), entries, '/f/a', '/f');
    expect(selectAllState(entries, selected, '/f')).toBe('some');
    selected = toggleEntry(selected, entries, '/f/b', '/f');
    selected = toggleEntry(selected, entries, '/f/c', '/f');
    expect(selectAllState(entries, selected, '/f')).toBe('all');
    selected = toggleEntry(selected, entries, '/f/b', '/f');
    expect([...selected].sort()).toEqual(['/f/a', '/f/c']);
  });

  it('"select all" chooses the folder itself: one path, however many entries', () => {
    const entries = Array.from({ length: 50_000 }, (_, i) => entry(`/f/invoice-${i}.pdf`));
    const selected = setAll(new Set(['/f/invoice-1.pdf', '/other']), entries, entries, true, '/f', false);
    expect([...selected].sort()).toEqual(['/f', '/other']);
    expect(includeList(selected)).toEqual(['/f', '/other']);
    expect(selectAllState(entries, selected, '/f')).toBe('all');
    expect(isSelected(selected, '/f/invoice-7.pdf')).toBe(true);
    // Unticking one entry then chooses the others one by one.
    const minusOne = toggleEntry(selected, entries, '/f/invoice-7.pdf', '/f');
    expect(minusOne.size).toBe(50_000); // 49,999 invoices and /other
    expect(minusOne.has('/f/invoice-7.pdf')).toBe(false);
    // And unticking "select all" clears the folder.
    expect([...setAll(selected, entries, entries, false, '/f', false)]).toEqual(['/other']);
  });

  it('ticking a folder drops what was ticked inside it', () => {
    const entries = [entry('/f/sub', 'dir'), entry('/f/x')];
    const selected = toggleEntry(new Set(['/f/sub/deep.txt']), entries, '/f/sub', '/f');
    expect([...selected]).toEqual(['/f/sub']);
  });

  it('inside a ticked folder, everything is chosen and locked', () => {
    const selected = new Set(['/srv']);
    expect(chosenAbove(selected, '/srv/crm')).toBe(true);
    expect(chosenAbove(selected, '/srv')).toBe(false);
    expect(chosenAbove(new Set(['/']), '/')).toBe(false);
    expect(selectAllState([entry('/srv/crm/a')], selected, '/srv/crm')).toBe('all');
  });

  it('"select all" under a filter only touches what is shown', () => {
    const entries = [entry('/f/invoice-1.pdf'), entry('/f/invoice-2.pdf'), entry('/f/notes.txt')];
    const shown = filterEntries(entries, 'INVOICE');
    expect(shown.map((e) => e.name)).toEqual(['invoice-1.pdf', 'invoice-2.pdf']);
    const ticked = setAll(new Set(), entries, shown, true, '/f', true);
    expect([...ticked].sort()).toEqual(['/f/invoice-1.pdf', '/f/invoice-2.pdf']);
    expect(selectAllState(shown, ticked, '/f')).toBe('all');
    // In a ticked folder, unticking the filtered ones keeps the rest.
    expect([...setAll(new Set(['/f']), entries, shown, false, '/f', true)]).toEqual(['/f/notes.txt']);
    expect(filterEntries(entries, '  ')).toBe(entries);
  });

  it('filters 50,000 names quickly', () => {
    const many = Array.from({ length: 50_000 }, (_, i) => entry(`/f/invoice-${i}.pdf`));
    const start = performance.now();
    const shown = filterEntries(many, '4999');
    const state = selectAllState(many, new Set(shown.map((e) => e.path)), '/f');
    expect(performance.now() - start).toBeLessThan(200);
    expect(shown.length).toBe(15); // 4999, 14999 … 44999, and 49990 … 49999
    expect(state).toBe('some');
  });
});

describe('restoring into a database', () => {
  const postgres = [
    entry('/postgres/crm.sql'),
    entry('/postgres/crm.info.json'),
    entry('/postgres/roles.sql'),
  ];

  it('is offered for one ticked copy, whatever folder listing is known', () => {
    expect(databaseCopyToOffer(['/postgres/crm.sql'], undefined)).toBe('/postgres/crm.sql');
    expect(databaseCopyToOffer(['/sqlite/crm.db'], undefined)).toBe('/sqlite/crm.db');
    expect(databaseCopyToOffer(['/postgres/roles.sql'], undefined)).toBeNull(); // the server's users, not a database
    expect(databaseCopyToOffer(['/postgres/crm.sql', '/srv'], undefined)).toBeNull();
  });

  it('is offered for a ticked folder holding exactly one copy, once its listing is known', () => {
    expect(databaseCopyToOffer(['/postgres'], undefined)).toBeNull();
    expect(databaseCopyToOffer(['/postgres'], postgres)).toBe('/postgres/crm.sql');
    const twoCopies = [...postgres, entry('/postgres/shop.sql'), entry('/postgres/shop.info.json')];
    expect(databaseCopyToOffer(['/postgres'], twoCopies)).toBeNull(); // which one? the user ticks it
    expect(databaseCopyToOffer(['/mysql'], [entry('/mysql/crm.info.json')])).toBeNull();
    expect(
      databaseCopyToOffer(['/sqlite'], [entry('/sqlite/crm.db'), entry('/sqlite/crm.db.info.json')]),
    ).toBe('/sqlite/crm.db');
    // Another folder with a single .sql file in it is not a database copy.
    expect(databaseCopyToOffer(['/srv/crm'], [entry('/srv/crm/crm.sql')])).toBeNull();
  });

  it('counts only files as copies', () => {
    expect(singleDumpIn([entry('/sqlite/old', 'dir'), entry('/sqlite/crm.db')])).toBe('/sqlite/crm.db');
    expect(singleDumpIn([])).toBeNull();
  });
});

describe('versions', () => {
  // Local times: the calendar's days are the user's days.
  const at = (day: number, hour: number) => new Date(2026, 10, day, hour).toISOString();
  const list = [
    snapshot('a', at(27, 9)),
    snapshot('b', at(28, 9)),
    snapshot('c', at(28, 15)),
    snapshot('d', at(28, 16), ['lifeboat-drill-report']),
  ];

  it('leaves the restore drills’ report snapshots out', () => {
    expect(backupVersions(list).map((s) => s.shortId)).toEqual(['a', 'b', 'c']);
  });

  it('counts versions per local day and lists a day newest first', () => {
    const versions = backupVersions(list);
    expect(Object.fromEntries(versionsPerDay(versions))).toEqual({ '2026-11-27': 1, '2026-11-28': 2 });
    expect(versionsNewestFirst(versions).map((s) => s.shortId)).toEqual(['c', 'b', 'a']);
    expect(versionsNewestFirst(versions, '2026-11-28').map((s) => s.shortId)).toEqual(['c', 'b']);
    expect(versions.map((s) => s.shortId)).toEqual(['a', 'b', 'c']); // the input is left as it was
  });

  it('writes days as the calendar does', () => {
    expect(dayKey(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('the suggested restore folder', () => {
  const now = new Date(2026, 10, 29, 14, 5);

  it('is a new folder in the home folder, named with the date and time', () => {
    expect(suggestedFolder('Lifeboat restore', now, '/home/anna')).toBe(
      '/home/anna/Lifeboat restore 2026-11-29 14.05',
    );
    expect(suggestedFolder('Lifeboat restore', now, '/Users/anna/')).toBe(
      '/Users/anna/Lifeboat restore 2026-11-29 14.05',
    );
    expect(suggestedFolder('Lifeboat restore', now, 'C:\\Users\\anna')).toBe(
      'C:\\Users\\anna\\Lifeboat restore 2026-11-29 14.05',
    );
    expect(suggestedFolder('Восстановление', now, '/')).toBe('/Восстановление 2026-11-29 14.05');
  });
});

describe('time left', () => {
  it('reads as minutes and seconds, or hours when long', () => {
    expect(formatEta(5)).toBe('0:05');
    expect(formatEta(249)).toBe('4:09');
    expect(formatEta(3909)).toBe('1:05:09');
    expect(formatEta(-3)).toBe('0:00');
  });
});
