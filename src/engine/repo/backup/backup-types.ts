/**
 * The public shapes of a backup run: options, progress, warnings and result. Kept apart from the
 * pipeline modules so hosts (CLI, service) can import the types without pulling in the engine.
 */
import type { ErrorCode } from '../../../shared/errors.ts';
import type { Snapshot, SnapshotSummary } from '../snapshot.ts';
import type { StreamSource } from './stream-stage.ts';

export interface BackupOptions {
  /** Files and folders to back up; relative paths are resolved against the working directory. */
  paths: string[];
  /** restic --exclude patterns (stored in the snapshot like restic does). */
  excludes?: string[];
  /** restic --iexclude patterns (case-insensitive). */
  iexcludes?: string[];
  tags?: string[];
  /** Default: os.hostname(). */
  hostname?: string;
  /**
   * Parent snapshot id (or unique prefix, or "latest"). Default: the newest snapshot with the same
   * hostname and the same set of absolute paths, like restic.
   */
  parent?: string;
  /** Read every file, ignore any parent (restic --force). */
  force?: boolean;
  /** restic --ignore-ctime / --ignore-inode: change detection without ctime / inode. */
  ignoreCtime?: boolean;
  ignoreInode?: boolean;
  /** Do not descend into other file systems (restic --one-file-system). */
  oneFileSystem?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: BackupProgress) => void;
  /** Called once per warning as it happens (the result lists them all too). */
  onWarning?: (w: BackupWarning) => void;
  /** File reader threads; default os.availableParallelism(). */
  workers?: number;
  /** Snapshot time (tests, imports); default now. */
  time?: Date;
  /** Read and chunk everything, write nothing (no blobs, no snapshot). */
  dryRun?: boolean;
  /**
   * Sources that produce streams (database dumps) instead of paths: their entries are saved under
   * virtual folders at the snapshot's root ('/postgres/crm.sql'). With streams, `paths` may be empty.
   */
  streams?: StreamSource[];
}

export type BackupPhase = 'scanning' | 'backing-up' | 'finishing';

export interface BackupProgress {
  /**
   * 'scanning' while the totals are still being counted (files are already being saved),
   * 'backing-up' once they are known, 'finishing' while packs, index and snapshot are written.
   */
  phase: BackupPhase;
  filesDone: number;
  /** Regular files to process; null until the pre-scan has finished. */
  filesTotal: number | null;
  bytesDone: number;
  bytesTotal: number | null;
  /** What the pre-scan has counted so far (equals the totals once they are known). */
  filesFound: number;
  bytesFound: number;
  currentItem: string | null;
  /** Seconds left, from the byte rate so far; null until the totals are known. */
  etaSeconds: number | null;
}

/**
 * Something the backup could not save as it is. 'unreadable' and 'vanished' leave the entry out
 * of the snapshot (the backup is partial); 'changed' stores content that was modified while it was
 * read; 'repository' is a problem with the parent snapshot (everything is read again instead).
 */
export type BackupWarningKind = 'unreadable' | 'vanished' | 'changed' | 'repository';

export interface BackupWarning {
  path: string;
  kind: BackupWarningKind;
  /** The error of a stream source that was left out (DB_AUTH_FAILED, DUMP_FAILED, …). */
  code?: ErrorCode;
  message: string;
  hint?: string;
  details?: string;
}

export interface BackupStats {
  /** Files read through the chunker (re-reads of changing files counted again). */
  filesRead: number;
  bytesRead: number;
  /** Unchanged files whose content list came from the parent without reading them. */
  filesReused: number;
  /** Files read twice because they changed while being read. */
  filesReread: number;
  dataBlobs: number;
  treeBlobs: number;
  packsWritten: number;
  durationMs: number;
}

export interface BackupResult {
  /** null for a dry run. */
  snapshotId: string | null;
  snapshot: Snapshot;
  summary: SnapshotSummary;
  warnings: BackupWarning[];
  /** Some entries could not be saved ("snapshot created, but some files could not be read"). */
  partial: boolean;
  stats: BackupStats;
}
