/**
 * The shapes of a restore drill: options, progress, and the report. The report is plain JSON
 * (ISO dates, no Date objects), so the runner can keep it in the job's history as is and render
 * or store it later in either language.
 */
import type { SnapshotFilter } from '../../repo/snapshot.ts';
import type { Language } from '../notify/format.ts';

export type DrillPhaseName =
  'prepare' | 'choose' | 'read-snapshot' | 'restore' | 'verify' | 'databases' | 'cleanup';

export interface DrillOptions {
  /** Snapshot id or unique prefix; default: one chosen at random among the candidates. */
  snapshot?: string;
  /** Which snapshots are candidates for the random pick (e.g. the job's host and paths). */
  filter?: SnapshotFilter;
  /** Random source in [0, 1) for the pick and the sample; inject createSeededRandom(seed) in tests. */
  random?: () => number;
  /**
   * Restore only this many files, chosen at random, plus every database and dump file (by name).
   * Default: the whole snapshot.
   */
  sampleFiles?: number;
  /** Folder in which the temporary sandbox is made (default: the system temp folder). */
  sandboxDir?: string;
  signal?: AbortSignal;
  onProgress?: (p: DrillProgress) => void;
  /** Language of the report when rendered without one. Default 'en'. */
  language?: Language;
  now?: () => Date;
  /** For the report: what the user calls the job and the repository. */
  jobName?: string;
  repositoryName?: string;
  /** Shown as the computer the drill ran on; default os.hostname(). */
  computer?: string;
}

export interface DrillProgress {
  phase: DrillPhaseName;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentPath?: string;
}

export type DrillProblemKind =
  /** Not enough free space for the sandbox. */
  | 'space'
  /** The snapshot's trees could not be read, or the restore stopped. */
  | 'fatal'
  /** A file could not be restored (damaged or missing data in the repository). */
  | 'restore'
  /** Restored, but not found in the sandbox afterwards. */
  | 'missing'
  | 'size'
  | 'checksum'
  | 'symlink'
  /** An SQLite database failed to open or its integrity_check was not 'ok'. */
  | 'database'
  /** A .sql dump is empty, not text, or cut short. */
  | 'dump'
  /** The sandbox could not be deleted completely (does not fail the drill). */
  | 'cleanup';

export interface DrillProblem {
  kind: DrillProblemKind;
  /** The path inside the snapshot ("/srv/crm/data.db"), when it is about one file. */
  path?: string;
  /** Technical detail in English (error message, expected vs. found). */
  detail: string;
}

export type DumpState = 'complete' | 'text' | 'truncated' | 'empty' | 'binary' | 'not-utf8' | 'unreadable';

export interface DatabaseCheck {
  /** Path inside the snapshot. */
  path: string;
  kind: 'sqlite' | 'sql-dump';
  bytes: number;
  ok: boolean;
  /**
   * SQLite: "ok" or integrity_check's first messages; "not an SQLite database" for a .db file of
   * another program (not checked, not a problem). Dumps: a short description.
   */
  result: string;
  /** SQLite: false when the file is not SQLite and was left alone. */
  checked: boolean;
  tables?: number;
  /** Dumps: what the check found (the report words it in the reader's language). */
  dumpState?: DumpState;
  /** Dumps: which program made it, when the header says so. */
  producer?: 'pg_dump' | 'mysqldump' | 'sqlite3';
  sha256?: string;
  durationMs: number;
}

export interface DrillPhase {
  name: DrillPhaseName;
  durationMs: number;
}

export interface DrillReport {
  version: 1;
  language: Language;
  jobName: string | null;
  repository: string;
  computer: string;
  lifeboatVersion: string;
  snapshot: {
    id: string;
    time: string;
    hostname: string | null;
    paths: string[];
    tags: string[];
  };
  /** True when the snapshot was picked at random, out of `candidates`. */
  chosenAtRandom: boolean;
  candidates: number;
  /** What the snapshot holds in all (zeros when its listing could not be read). */
  contents: { files: number; dirs: number; bytes: number };
  /** Files restored out of the snapshot's total when sampling, else null. */
  sample: { files: number; ofFiles: number } | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  phases: DrillPhase[];
  /** Regular files and their bytes: in the snapshot (or the sample), restored, and verified. */
  files: { expected: number; restored: number; verified: number };
  bytes: { expected: number; restored: number; verified: number };
  dirs: number;
  symlinks: number;
  /** Devices, FIFOs, sockets: not restored on purpose. */
  skipped: number;
  databases: DatabaseCheck[];
  problems: DrillProblem[];
  sandboxRemoved: boolean;
  passed: boolean;
}
