/**
 * Quickly made repositories for tests and the UI's end-to-end specs: thousands of snapshots spread
 * over two years, or one folder of 50,000 entries, in seconds. Trees and snapshots are written
 * directly through the engine (no backups are run); the result is a valid restic repository
 * (`restic check --read-data` accepts it) whose files restore byte for byte.
 *
 *   const seeded = await seedRepository({ path: dir, password: 'pw', snapshots: 2000 });
 *   const wide = await seedWideFolderSnapshot({ path: dir, password: 'pw', entries: 50_000 });
 *
 * Every snapshot holds /srv/crm with `crm.sqlite` (content changes every 10th version),
 * `exports/` (a CSV export per month of the snapshot's date), `Вложения/договор-<n>.txt` (attachments;
 * one is added every 25 versions) and `notes.txt`; `contract.docx` exists in every version except the
 * last two (a file deleted two versions ago). Content is deterministic, see `fileContent`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { dateToNs, formatGoTime } from '../../src/engine/repo/go-time.ts';
import { Repository } from '../../src/engine/repo/repository.ts';
import type { SnapshotSummary } from '../../src/engine/repo/snapshot.ts';
import { encodeTree, goZeroTime, modeDir, type TreeNode } from '../../src/engine/repo/tree.ts';
import type { Backend } from '../../src/engine/storage/backend.ts';
import { LocalBackend } from '../../src/engine/storage/local-backend.ts';

/** Small scrypt parameters: opening a seeded repository takes milliseconds (real ones take ~0.5 s). */
export const seedKdf = { N: 1024, r: 8, p: 1 };

export interface SeedOptions {
  /** The repository folder (created; an existing repository there is opened with the password). */
  path?: string;
  /** Or any storage (a Drive or Dropbox emulator's backend) instead of a folder. */
  backend?: Backend;
  password: string;
  /** Number of snapshots (default 2000). */
  snapshots?: number;
  /** The newest snapshot's time (default now); the oldest is `spanDays` earlier. */
  end?: Date;
  spanDays?: number;
  /** Job ids tagged `job:<id>`, in turn (default two jobs); snapshots every 7th version carry no job tag (made by the CLI). */
  jobIds?: readonly string[];
  hosts?: readonly string[];
}

export interface SeededSnapshot {
  id: string;
  time: Date;
  jobId: string | null;
  hostname: string;
}

export interface SeededRepository {
  repositoryId: string;
  /** Oldest first. */
  snapshots: SeededSnapshot[];
  /** The folder every snapshot holds. */
  root: string;
  /** Path (in the snapshots) of the file missing from the last two versions. */
  deletedFile: string;
}

export const seedRoot = '/srv/crm';

/** The deterministic content of a seeded file (what a restore must give back). */
export function fileContent(name: string, version: number): Buffer {
  const line = `${name} — версия ${version}; клиент ${(version * 7919) % 100_003}\n`;
  return Buffer.from(line.repeat(1 + (version % 7) * 3));
}

const dayMs = 24 * 60 * 60 * 1000;

/** Opens the repository in the folder or backend, or creates it there. */
export async function openOrInit(
  where: { path?: string; backend?: Backend },
  password: string,
): Promise<Repository> {
  const backend = where.backend ?? new LocalBackend(where.path ?? '');
  if (!where.backend && !where.path) throw new Error('seed: give a path or a backend');
  const exists = where.backend
    ? (await backend.stat('config', 'config').catch(() => undefined)) !== undefined
    : existsSync(path.join(where.path ?? '', 'config'));
  if (exists) return Repository.open(backend, password);
  return Repository.init(backend, password, { kdf: seedKdf });
}

class TreeWriter {
  readonly repo: Repository;
  readonly #files = new Map<string, { id: string; size: number }>();

  constructor(repo: Repository) {
    this.repo = repo;
  }

  async file(name: string, version: number, mtime: string): Promise<TreeNode> {
    const key = `${name}@${version}`;
    let blob = this.#files.get(key);
    if (!blob) {
      const data = fileContent(name, version);
      blob = { id: await this.repo.saveBlob('data', data), size: data.length };
      this.#files.set(key, blob);
    }
    return fileNode(name, blob.size, [blob.id], mtime);
  }

  async dir(name: string, nodes: TreeNode[], mtime: string): Promise<TreeNode> {
    return dirNode(name, await this.repo.saveBlob('tree', encodeTree(nodes)), mtime);
  }

  /** Wraps the nodes of `/a/b/c` into trees up to the root; returns the root tree id. */
  async root(folder: string, nodes: TreeNode[], mtime: string): Promise<string> {
    const names = folder.split('/').filter(Boolean);
    let inner = nodes;
    for (let i = names.length - 1; i >= 0; i--) inner = [await this.dir(names[i] as string, inner, mtime)];
    return this.repo.saveBlob('tree', encodeTree(inner));
  }
}

export function fileNode(name: string, size: number, content: string[], mtime: string): TreeNode {
  return {
    name,
    type: 'file',
    mode: 0o644,
    mtime,
    atime: mtime,
    ctime: mtime,
    uid: 1000,
    gid: 1000,
    user: 'office',
    group: 'office',
    size,
    links: 1,
    content,
  };
}

export function dirNode(name: string, subtree: string, mtime: string): TreeNode {
  return {
    name,
    type: 'dir',
    mode: (modeDir | 0o755) >>> 0,
    mtime,
    atime: mtime,
    ctime: mtime,
    uid: 1000,
    gid: 1000,
    user: 'office',
    group: 'office',
    content: null,
    subtree,
  };
}

const goTime = (d: Date): string => formatGoTime(dateToNs(d), 0);

function summary(version: number, start: Date, totalFiles: number, totalBytes: number): SnapshotSummary {
  const seconds = 20 + (version % 13) * 7;
  return {
    backup_start: goTime(start),
    backup_end: goTime(new Date(start.getTime() + seconds * 1000)),
    files_new: version % 25 === 0 ? 1 : 0,
    files_changed: 1 + (version % 10 === 0 ? 1 : 0),
    files_unmodified: Math.max(0, totalFiles - 2),
    dirs_new: 0,
    dirs_changed: 3,
    dirs_unmodified: 2,
    data_blobs: 2,
    tree_blobs: 5,
    // What a version adds never exceeds what it holds (a screen showing "added 109 kB of 23 kB" would lie).
    data_added: Math.min(totalBytes, 1000 + (version % 17) * 1_234),
    data_added_packed: Math.min(totalBytes, 600 + (version % 17) * 700),
    total_files_processed: totalFiles,
    total_bytes_processed: totalBytes,
  };
}

/** A repository with `snapshots` versions of a small CRM folder over two years. */
export async function seedRepository(options: SeedOptions): Promise<SeededRepository> {
  const count = options.snapshots ?? 2000;
  const end = options.end ?? new Date();
  const spanMs = (options.spanDays ?? 730) * dayMs;
  const jobIds = options.jobIds ?? ['a1b2c3d4e5f6', '0f1e2d3c4b5a'];
  const hosts = options.hosts ?? ['office-pc', 'crm-server'];
  const repo = await openOrInit(options, options.password);
  await repo.ensureIndex();
  const w = new TreeWriter(repo);
  const snapshots: SeededSnapshot[] = [];
  let parent: string | undefined;
  const exportsByMonth = new Map<string, TreeNode>();
  for (let v = 0; v < count; v++) {
    const time = new Date(end.getTime() - spanMs + (count > 1 ? (spanMs * v) / (count - 1) : spanMs));
    const mtime = goTime(time);
    const month = time.toISOString().slice(0, 7);
    let exportNode = exportsByMonth.get(month);
    if (!exportNode) {
      exportNode = await w.file(`export-${month}.csv`, exportsByMonth.size, goTime(time));
      exportsByMonth.set(month, exportNode);
    }
    const attachments: TreeNode[] = [];
    for (let a = 0; a <= Math.floor(v / 25) % 40; a++)
      attachments.push(await w.file(`договор-${a}.txt`, a, goZeroTime));
    const nodes: TreeNode[] = [
      await w.file('crm.sqlite', Math.floor(v / 10), mtime),
      await w.file('notes.txt', v % 3, goZeroTime),
      await w.dir('exports', [exportNode], mtime),
      await w.dir('Вложения', attachments, goZeroTime),
    ];
    if (v < count - 2) nodes.push(await w.file('contract.docx', 1, goZeroTime));
    const totalBytes =
      nodes.reduce((sum, n) => sum + (n.size ?? 0), 0) + attachments.reduce((s, n) => s + (n.size ?? 0), 0);
    const tree = await w.root(seedRoot, nodes, mtime);
    const jobId = v % 7 === 6 ? null : (jobIds[v % jobIds.length] ?? null);
    const hostname = hosts[v % hosts.length] ?? 'office-pc';
    const id = await repo.saveSnapshot({
      time: mtime,
      ...(parent ? { parent } : {}),
      tree,
      paths: [seedRoot],
      hostname,
      username: 'office',
      uid: 1000,
      gid: 1000,
      tags: jobId ? [`job:${jobId}`] : ['manual'],
      program_version: 'lifeboat seed',
      summary: summary(v, new Date(time.getTime() - 60_000), 4 + attachments.length, totalBytes),
    });
    parent = id;
    snapshots.push({ id, time, jobId, hostname });
    if (v % 200 === 199) await repo.flush(); // keeps memory flat, as a long backup does
  }
  await repo.flush();
  return {
    repositoryId: repo.config.id,
    snapshots,
    root: seedRoot,
    deletedFile: `${seedRoot}/contract.docx`,
  };
}

export interface WideOptions {
  path?: string;
  backend?: Backend;
  password: string;
  /** Entries in the wide folder (default 50,000); every 100th is a folder, the rest files. */
  entries?: number;
  /** The wide folder's path in the snapshot (default /srv/crm/attachments). */
  folder?: string;
  time?: Date;
}

export interface WideSnapshot {
  repositoryId: string;
  snapshotId: string;
  folder: string;
  entries: number;
}

/** One snapshot whose `folder` holds `entries` entries (files share a few contents; sizes vary). */
export async function seedWideFolderSnapshot(options: WideOptions): Promise<WideSnapshot> {
  const entries = options.entries ?? 50_000;
  const folder = options.folder ?? '/srv/crm/attachments';
  const time = options.time ?? new Date();
  const repo = await openOrInit(options, options.password);
  await repo.ensureIndex();
  const w = new TreeWriter(repo);
  const mtime = goTime(time);
  const contents = await Promise.all(
    Array.from({ length: 8 }, async (_, i) => {
      const data = fileContent(`attachment-${i}`, i);
      return { id: await repo.saveBlob('data', data), size: data.length };
    }),
  );
  const emptyTree = await repo.saveBlob('tree', encodeTree([]));
  const nodes: TreeNode[] = [];
  for (let i = 0; i < entries; i++) {
    const name = `${i % 100 === 0 ? 'folder' : 'invoice'}-${String(i).padStart(6, '0')}${i % 100 === 0 ? '' : '.pdf'}`;
    if (i % 100 === 0) nodes.push(dirNode(name, emptyTree, mtime));
    else {
      const c = contents[i % contents.length] as { id: string; size: number };
      nodes.push(fileNode(name, c.size, [c.id], mtime));
    }
  }
  const tree = await w.root(folder, nodes, mtime);
  const snapshotId = await repo.saveSnapshot({
    time: mtime,
    tree,
    paths: [folder],
    hostname: 'office-pc',
    username: 'office',
    tags: ['wide'],
    program_version: 'lifeboat seed',
  });
  await repo.flush();
  return { repositoryId: repo.config.id, snapshotId, folder, entries };
}
