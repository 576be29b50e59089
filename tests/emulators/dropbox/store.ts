/**
 * The emulated Dropbox namespace: case-insensitive paths with case-preserving display names,
 * implicit parent folders, WriteMode semantics (add / overwrite / update, autorename, identical
 * content = no write), a quota, and a change log for list_folder cursors.
 */
import { randomBytes } from 'node:crypto';
import { contentHash, dropboxTime, routeError } from './wire.ts';

export interface FileNode {
  kind: 'file';
  id: string;
  pathDisplay: string;
  data: Buffer;
  hash: string;
  rev: string;
  serverModified: number;
  clientModified: number;
}

export interface FolderNode {
  kind: 'folder';
  id: string;
  pathDisplay: string;
}

export type Node = FileNode | FolderNode;

export interface Change {
  seq: number;
  lower: string;
  /** The node after the change, or the display path of what was deleted. */
  node: Node | { deleted: string };
}

export type WriteMode = { tag: 'add' } | { tag: 'overwrite' } | { tag: 'update'; rev: string };

export const lower = (path: string): string => path.toLowerCase();
export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
export const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));

const newId = (): string => `id:${randomBytes(16).toString('base64url')}`;

export class DropboxStore {
  readonly nodes = new Map<string, Node>();
  readonly deleted = new Map<string, string>();
  readonly changes: Change[] = [];
  seq = 0;
  #revCounter = 0x100000000;
  quotaBytes: number;
  now: () => number;

  constructor(quotaBytes: number, now: () => number) {
    this.quotaBytes = quotaBytes;
    this.now = now;
  }

  usedBytes(): number {
    let n = 0;
    for (const node of this.nodes.values()) if (node.kind === 'file') n += node.data.byteLength;
    return n;
  }

  get(path: string): Node | undefined {
    if (path.startsWith('id:')) {
      for (const node of this.nodes.values()) if (node.id === path) return node;
      return undefined;
    }
    return this.nodes.get(lower(path));
  }

  /** Metadata as list_folder / get_metadata return it (with ".tag"). */
  metadata(node: Node): Record<string, unknown> {
    return node.kind === 'file' ? { '.tag': 'file', ...this.fileMetadata(node) } : { '.tag': 'folder', ...this.folderMetadata(node) };
  }

  /** FileMetadata as a struct (files/upload, finish): no ".tag". */
  fileMetadata(f: FileNode): Record<string, unknown> {
    return {
      name: baseName(f.pathDisplay),
      path_lower: lower(f.pathDisplay),
      path_display: f.pathDisplay,
      id: f.id,
      client_modified: dropboxTime(f.clientModified),
      server_modified: dropboxTime(f.serverModified),
      rev: f.rev,
      size: f.data.byteLength,
      is_downloadable: true,
      content_hash: f.hash,
    };
  }

  folderMetadata(f: FolderNode): Record<string, unknown> {
    return { name: baseName(f.pathDisplay), path_lower: lower(f.pathDisplay), path_display: f.pathDisplay, id: f.id };
  }

  #log(path: string, node: Change['node']): void {
    this.changes.push({ seq: ++this.seq, lower: lower(path), node });
  }

  /** Folders from the root down to `path` (exclusive), created as needed; a file in the way is a conflict. */
  #ensureParents(path: string, errorFor: (conflict: string) => Error): void {
    const parts = path.split('/').slice(1, -1);
    let current = '';
    for (const part of parts) {
      current += `/${part}`;
      const node = this.nodes.get(lower(current));
      if (node?.kind === 'file') throw errorFor('file_ancestor');
      if (!node) this.#put({ kind: 'folder', id: newId(), pathDisplay: current });
    }
  }

  #put(node: Node): void {
    this.nodes.set(lower(node.pathDisplay), node);
    this.deleted.delete(lower(node.pathDisplay));
    this.#log(node.pathDisplay, node);
  }

  /**
   * Commits file content. `wrap` builds the route's error around a WriteError (files/upload nests it
   * as `reason`, finish as `path`). Returns the file (the existing one when nothing was written).
   */
  writeFile(
    path: string,
    data: Buffer,
    opts: { mode: WriteMode; autorename: boolean; clientModified?: number; strictConflict?: boolean },
    wrap: (writeError: Record<string, unknown>) => Error,
  ): FileNode {
    const conflict = (c: string): Error => wrap({ '.tag': 'conflict', conflict: { '.tag': c } });
    if (path.endsWith('/') || path.includes('//') || !path.startsWith('/')) throw wrap({ '.tag': 'malformed_path' });
    const hash = contentHash(data);
    let target = path;
    const existing = this.nodes.get(lower(path));
    if (existing?.kind === 'folder') {
      if (!opts.autorename) throw conflict('folder');
      target = this.#freeName(path, opts.mode.tag === 'update');
    } else if (existing) {
      if (existing.hash === hash) return existing; // identical content: no write, no conflict
      const replace = opts.mode.tag === 'overwrite' || (opts.mode.tag === 'update' && opts.mode.rev === existing.rev);
      if (!replace) {
        if (!opts.autorename) throw conflict('file');
        target = this.#freeName(path, opts.mode.tag === 'update');
      }
    } else if (opts.mode.tag === 'update' && opts.strictConflict) {
      throw conflict('file');
    }
    const old = this.nodes.get(lower(target));
    const growth = data.byteLength - (old?.kind === 'file' ? old.data.byteLength : 0);
    if (growth > 0 && this.usedBytes() + growth > this.quotaBytes) throw wrap({ '.tag': 'insufficient_space' });
    this.#ensureParents(target, conflict);
    const now = this.now();
    const display = old ? parentOf(old.pathDisplay) + '/' + baseName(target) : target;
    const node: FileNode = {
      kind: 'file',
      id: old?.kind === 'file' ? old.id : newId(),
      pathDisplay: display,
      data: Buffer.from(data),
      hash,
      rev: (this.#revCounter++).toString(16).padStart(9, '0') + randomBytes(3).toString('hex'),
      serverModified: now,
      clientModified: opts.clientModified ?? now,
    };
    this.#put(node);
    return node;
  }

  createFolder(path: string, autorename: boolean): FolderNode {
    const conflict = (c: string): Error => routeError({ '.tag': 'path', path: { '.tag': 'conflict', conflict: { '.tag': c } } });
    if (path.endsWith('/') || path.includes('//')) throw routeError({ '.tag': 'path', path: { '.tag': 'malformed_path' } });
    let target = path;
    const existing = this.nodes.get(lower(path));
    if (existing) {
      if (!autorename) throw conflict(existing.kind);
      target = this.#freeName(path, false);
    }
    this.#ensureParents(target, conflict);
    const node: FolderNode = { kind: 'folder', id: newId(), pathDisplay: target };
    this.#put(node);
    return node;
  }

  /** Deletes a file or a folder with everything below it; returns the deleted node. */
  delete(path: string): Node | undefined {
    const node = this.get(path);
    if (!node) return undefined;
    const key = lower(node.pathDisplay);
    for (const [k, n] of [...this.nodes]) {
      if (k === key || k.startsWith(`${key}/`)) {
        this.nodes.delete(k);
        this.deleted.set(k, n.pathDisplay);
        this.#log(n.pathDisplay, { deleted: n.pathDisplay });
      }
    }
    return node;
  }

  /** Direct children, or every descendant, of a folder ("" is the root), parents before children. */
  children(folder: string, recursive: boolean): Node[] {
    const prefix = folder === '' ? '/' : `${lower(folder)}/`;
    return [...this.nodes.entries()]
      .filter(([k]) => k.startsWith(prefix) && (recursive || !k.slice(prefix.length).includes('/')))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, n]) => n);
  }

  #freeName(path: string, conflicted: boolean): string {
    const name = baseName(path);
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let i = conflicted ? 1 : 2; ; i++) {
      const label = conflicted ? ` (conflicted copy${i > 1 ? ` ${i}` : ''})` : ` (${i})`;
      const candidate = `${parentOf(path)}/${stem}${label}${ext}`;
      if (!this.nodes.has(lower(candidate))) return candidate;
    }
  }
}
