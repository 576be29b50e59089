/**
 * The storage contract every backend (local folder, Google Drive, Dropbox, …) fulfils. It speaks in
 * restic's file types and names; the repository layer above never sees paths or HTTP.
 */

export type FileType = 'config' | 'keys' | 'data' | 'index' | 'snapshots' | 'locks';

export const fileTypes: readonly FileType[] = ['config', 'keys', 'data', 'index', 'snapshots', 'locks'];

export interface FileInfo {
  name: string;
  size: number;
}

export interface ByteRange {
  offset: number;
  length: number;
}

export interface Backend {
  /** Human-readable location (a folder path, a cloud folder URL); shown to users and in logs. */
  readonly location: string;
  /** All files of one type. 'config' lists the single config file if present. */
  list(type: FileType): Promise<FileInfo[]>;
  stat(type: FileType, name: string): Promise<FileInfo | undefined>;
  /** Reads a whole file or a byte range of it. A missing file is a NOT_FOUND LifeboatError. */
  read(type: FileType, name: string, range?: ByteRange): Promise<Buffer>;
  /**
   * Write-once: writing a name that exists fails (locks are refreshed by writing a new one). The
   * caller may free `data` as soon as the promise resolves: a backend must not keep it afterwards.
   */
  write(type: FileType, name: string, data: Uint8Array): Promise<void>;
  remove(type: FileType, name: string): Promise<void>;
  /** Creates the empty layout for `init`; fails with REPO_EXISTS when a repository is there already. */
  create?(): Promise<void>;
  /** Calls and bytes per operation since creation (or the last reset). */
  stats?(): BackendStats;
  /** Free and total bytes of the storage (the disk, or the cloud account's quota); undefined when unknown or unlimited. */
  space?(): Promise<SpaceInfo | undefined>;
}

export interface SpaceInfo {
  /** Bytes that may still be written. */
  free: number;
  total: number;
}

export interface OperationStats {
  calls: number;
  bytes: number;
}

export type BackendOperation = 'list' | 'stat' | 'read' | 'write' | 'remove';

export type BackendStats = Record<BackendOperation, OperationStats>;

/** Counts calls and bytes per operation; cloud backends reuse it to report request usage. */
export class RequestCounter {
  private readonly counts: BackendStats = {
    list: { calls: 0, bytes: 0 },
    stat: { calls: 0, bytes: 0 },
    read: { calls: 0, bytes: 0 },
    write: { calls: 0, bytes: 0 },
    remove: { calls: 0, bytes: 0 },
  };

  count(op: BackendOperation, bytes = 0): void {
    this.counts[op].calls += 1;
    this.counts[op].bytes += bytes;
  }

  snapshot(): BackendStats {
    return structuredClone(this.counts);
  }

  reset(): void {
    for (const op of Object.keys(this.counts) as BackendOperation[]) this.counts[op] = { calls: 0, bytes: 0 };
  }
}

/** restic names every file except config by the hex sha256 of its content. */
export function isValidFileName(type: FileType, name: string): boolean {
  if (type === 'config') return name === 'config' || name === '';
  return /^[0-9a-f]{64}$/.test(name);
}
