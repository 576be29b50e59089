/**
 * The timeline's list of snapshots, oldest first. Snapshot files are immutable, so only new ones are
 * read and decrypted (many at once: on Drive or Dropbox each read is a request).
 */
import { LifeboatError } from '../../shared/errors.ts';
import type { SnapshotInfo } from '../../shared/repositories.ts';
import { mapLimit } from '../repo/concurrency.ts';
import { parseGoTime } from '../repo/go-time.ts';
import type { SnapshotWithId } from '../repo/snapshot.ts';
import type { OpenRepository } from './open-repository.ts';

const parallelReads = 32;
const jobTagPrefix = 'job:';

/**
 * Every readable snapshot, oldest first. A damaged snapshot file does not hide the others: it is left
 * out and reported once through `onDamaged`; one removed meanwhile (retention) is simply left out.
 */
export async function listSnapshots(
  open: OpenRepository,
  onDamaged: (id: string, err: LifeboatError) => void = () => undefined,
): Promise<SnapshotInfo[]> {
  const names = (await open.repo.backend.list('snapshots')).map((f) => f.name);
  const present = new Set(names);
  // Snapshots removed by retention leave the cache too.
  for (const id of open.snapshots.keys()) if (!present.has(id)) open.snapshots.delete(id);
  const missing = names.filter((id) => !open.snapshots.has(id) && !open.damaged.has(id));
  await mapLimit(missing, parallelReads, async (id) => {
    try {
      await open.snapshot(id);
    } catch (err) {
      if (!(err instanceof LifeboatError) || (err.code !== 'REPO_CORRUPT' && err.code !== 'NOT_FOUND'))
        throw err;
      if (err.code === 'REPO_CORRUPT') {
        open.damaged.add(id);
        onDamaged(id, err);
      }
    }
  });
  // Each time is parsed once (nanoseconds, exact), not once per comparison.
  const keyed = names
    .map((id) => open.snapshots.get(id))
    .filter((s): s is SnapshotWithId => s !== undefined)
    .map((sn) => ({ sn, ns: parseGoTime(sn.time) }));
  keyed.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  return keyed.map((k) => toSnapshotInfo(k.sn));
}

export function toSnapshotInfo(sn: SnapshotWithId): SnapshotInfo {
  const tags = sn.tags ?? [];
  const jobTag = tags.find((t) => t.startsWith(jobTagPrefix));
  const s = sn.summary;
  return {
    id: sn.id,
    shortId: sn.id.slice(0, 8),
    time: isoTime(sn.time),
    hostname: sn.hostname ?? '',
    username: sn.username ?? '',
    paths: sn.paths,
    tags,
    jobId: jobTag ? jobTag.slice(jobTagPrefix.length) : null,
    parent: sn.parent ?? null,
    summary: s
      ? {
          filesNew: s.files_new,
          filesChanged: s.files_changed,
          filesUnmodified: s.files_unmodified,
          dataAdded: s.data_added,
          dataAddedPacked: s.data_added_packed,
          totalFiles: s.total_files_processed,
          totalBytes: s.total_bytes_processed,
          durationSeconds: Math.max(0, (Date.parse(s.backup_end) - Date.parse(s.backup_start)) / 1000 || 0),
        }
      : null,
  };
}

const zeroTime = '0001-01-01T00:00:00.000Z';

/** Go's RFC3339Nano (any offset, nanoseconds) as an ISO time in UTC with milliseconds. */
export function isoTime(goTime: string): string {
  const ms = Date.parse(goTime);
  return Number.isNaN(ms) ? zeroTime : new Date(ms).toISOString();
}
