/**
 * Snapshot files (snapshots/<id>): restic's Snapshot struct, field order and omitempty included.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { goJsonBytes } from './go-json.ts';
import { parseGoTime } from './go-time.ts';

export interface SnapshotSummary {
  backup_start: string;
  backup_end: string;
  files_new: number;
  files_changed: number;
  files_unmodified: number;
  dirs_new: number;
  dirs_changed: number;
  dirs_unmodified: number;
  data_blobs: number;
  tree_blobs: number;
  data_added: number;
  data_added_packed: number;
  total_files_processed: number;
  total_bytes_processed: number;
}

export interface Snapshot {
  /** RFC3339Nano */
  time: string;
  parent?: string;
  tree: string;
  paths: string[];
  hostname?: string;
  username?: string;
  uid?: number;
  gid?: number;
  excludes?: string[];
  tags?: string[];
  original?: string;
  program_version?: string;
  summary?: SnapshotSummary;
}

export type SnapshotWithId = { id: string } & Snapshot;

function nonEmpty<T>(v: T | undefined): T | undefined {
  if (v === '' || v === 0 || (Array.isArray(v) && v.length === 0)) return undefined;
  return v;
}

/** The snapshot JSON in restic's field order. */
export function encodeSnapshot(sn: Snapshot): Buffer {
  const s = sn.summary;
  return goJsonBytes({
    time: sn.time,
    parent: nonEmpty(sn.parent),
    tree: sn.tree,
    paths: sn.paths,
    hostname: nonEmpty(sn.hostname),
    username: nonEmpty(sn.username),
    uid: nonEmpty(sn.uid),
    gid: nonEmpty(sn.gid),
    excludes: nonEmpty(sn.excludes),
    tags: nonEmpty(sn.tags),
    original: nonEmpty(sn.original),
    program_version: nonEmpty(sn.program_version),
    summary: s && {
      backup_start: s.backup_start,
      backup_end: s.backup_end,
      files_new: s.files_new,
      files_changed: s.files_changed,
      files_unmodified: s.files_unmodified,
      dirs_new: s.dirs_new,
      dirs_changed: s.dirs_changed,
      dirs_unmodified: s.dirs_unmodified,
      data_blobs: s.data_blobs,
      tree_blobs: s.tree_blobs,
      data_added: s.data_added,
      data_added_packed: s.data_added_packed,
      total_files_processed: s.total_files_processed,
      total_bytes_processed: s.total_bytes_processed,
    },
  });
}

export function validateSnapshot(value: unknown, id: string): Snapshot {
  const sn = value as Partial<Snapshot> | null;
  if (
    typeof sn !== 'object' ||
    sn === null ||
    typeof sn.tree !== 'string' ||
    !/^[0-9a-f]{64}$/.test(sn.tree) ||
    typeof sn.time !== 'string'
  ) {
    throw new LifeboatError('REPO_CORRUPT', `Snapshot ${id.slice(0, 8)} is malformed.`);
  }
  parseGoTime(sn.time);
  return { ...sn, paths: Array.isArray(sn.paths) ? sn.paths : [] } as Snapshot;
}

export interface SnapshotFilter {
  hostname?: string;
  tags?: string[];
  /** Snapshot must contain all of these paths. */
  paths?: string[];
}

export function matchesFilter(sn: Snapshot, filter: SnapshotFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.hostname !== undefined && sn.hostname !== filter.hostname) return false;
  if (filter.tags?.some((t) => !(sn.tags ?? []).includes(t))) return false;
  if (filter.paths?.some((p) => !sn.paths.includes(p))) return false;
  return true;
}

/** Oldest first, like `restic snapshots`. */
export function sortSnapshots<T extends Snapshot>(list: T[]): T[] {
  return list.sort((a, b) => {
    const d = parseGoTime(a.time) - parseGoTime(b.time);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
}
