/**
 * Restoring a database copy from the restore screen (contract: previewDatabaseRestore and
 * restoreDatabase in src/shared/sources.ts): where the copy came from, to prefill the form; then the
 * restore itself, streamed out of the snapshot into a new database (or SQLite file) by the source's
 * own restore (snapshot-restore.ts), with progress events, a cancel, and a report that counts what
 * came back. One database restore at a time.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import type { ProgressEvent } from '../../shared/contract.ts';
import { LifeboatError } from '../../shared/errors.ts';
import type { DatabaseJobSource, Job } from '../../shared/jobs.ts';
import type { DatabaseDumpInfo, DatabaseRestoreReport, DatabaseRestoreTarget } from '../../shared/sources.ts';
import { sourceKey } from '../../shared/sources.ts';
import type { Repository } from '../repo/repository.ts';
import type { SnapshotWithId } from '../repo/snapshot.ts';
import type { TreeNode } from '../repo/tree.ts';
import { secretAccounts, type SecretStore } from '../secrets/secret-store.ts';
import { createDatabaseSource } from './index.ts';
import type { Source } from './index.ts';
import { databaseConfig, isDatabaseSource, snapshotPathOf } from './job-sources.ts';
import { snapshotFileStream, snapshotFolderFiles, snapshotRestoreInput } from './snapshot-restore.ts';
import { restoreStamp, truncateUtf8 } from './source.ts';
import type { Census } from './source.ts';
import { defaultSqliteTarget } from './sqlite/sqlite-restore.ts';
import { readAll } from './tools/run-tool.ts';
import { ExclusiveTask } from '../exclusive-task.ts';

type Kind = DatabaseDumpInfo['kind'];
type ServerJobSource = Exclude<DatabaseJobSource, { kind: 'sqlite' }>;

export interface DatabaseRestoreDeps {
  secrets: () => Promise<SecretStore>;
  jobs: () => Promise<Job[]>;
  emitProgress: (event: ProgressEvent) => void;
  /** A line for the app's log: every database restore is recorded (replacing one above all). */
  log: (level: 'info' | 'warn', message: string) => void;
  /** Runs `fn` on a snapshot of a known repository (opened from the pool, index held, shared lock). */
  withSnapshot: <T>(
    repositoryId: string,
    snapshotId: string,
    fn: (repo: Repository, snapshot: SnapshotWithId) => Promise<T>,
  ) => Promise<T>;
  now?: () => Date;
}

export interface DumpRef {
  repositoryId: string;
  snapshotId: string;
  path: string;
}

/** The fields of '<db>.info.json' used here (PostgreSQL and MySQL write different ones). */
interface DumpInfoFile {
  database?: string;
  serverVersion?: string;
  server?: string;
  startedAt?: string;
  owner?: string;
  host?: string;
  port?: number;
  user?: string;
}

const progressEveryMs = 200;
const defaultPorts = { postgres: 5432, mysql: 3306 } as const;

/** '/postgres/crm.sql' → postgres, 'crm'; '/sqlite/crm.db' → sqlite, 'crm.db'. */
export function dumpKindAndName(dumpPath: string): { kind: Kind; name: string } {
  const [, kind, file] = /^\/(postgres|mysql|sqlite)\/([^/]+)$/.exec(dumpPath) ?? [];
  if (!kind || !file || (kind !== 'sqlite' && !file.endsWith('.sql')) || file === 'roles.sql') {
    throw new LifeboatError('INVALID_ARGUMENT', `"${dumpPath}" is not a database copy in the backup.`);
  }
  return { kind: kind as Kind, name: kind === 'sqlite' ? file : file.slice(0, -'.sql'.length) };
}

export class DatabaseRestores {
  readonly #deps: DatabaseRestoreDeps;
  readonly #task = new ExclusiveTask('Another database restore is in progress.');

  constructor(deps: DatabaseRestoreDeps) {
    this.#deps = deps;
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }

  cancel(): boolean {
    return this.#task.cancel();
  }

  close(): Promise<void> {
    return this.#task.close();
  }

  async preview(ref: DumpRef): Promise<DatabaseDumpInfo> {
    const { kind, name } = dumpKindAndName(ref.path);
    const [jobs, secrets] = await Promise.all([this.#deps.jobs(), this.#deps.secrets()]);
    return this.#deps.withSnapshot(ref.repositoryId, ref.snapshotId, async (repo, snapshot) => {
      const files = await snapshotFolderFiles(repo, snapshot, kind);
      const node = dumpNode(files, ref.path);
      const info = await readInfo(repo, files.get(`${kind}/${name}.info.json`));
      const origin = originalSource(jobs, ref, kind);
      const now = this.#now();
      if (kind === 'sqlite') {
        const originalPath = origin?.kind === 'sqlite' ? origin.path : null;
        return {
          kind,
          name,
          path: ref.path,
          bytes: node.size ?? 0,
          takenAt: isoOf(node.mtime),
          serverVersion: null,
          server: null,
          originalPath,
          suggestedTarget: defaultSqliteTarget(originalPath ?? path.join(homedir(), name), now),
          passwordSaved: false,
        };
      }
      const fromJob = origin && origin.kind === kind ? origin : undefined;
      const host = info.host ?? fromJob?.host;
      const server = {
        host: host ?? '127.0.0.1',
        port: info.port ?? fromJob?.port ?? defaultPorts[kind],
        user: info.user ?? fromJob?.user ?? info.owner ?? (kind === 'postgres' ? 'postgres' : 'root'),
        known: host !== undefined,
      };
      const saved = await savedPassword(secrets, { kind, ...server, database: name });
      return {
        kind,
        name,
        path: ref.path,
        bytes: node.size ?? 0,
        takenAt: info.startedAt ?? isoOf(node.mtime),
        serverVersion: versionText(kind, info),
        server,
        originalPath: null,
        suggestedTarget: `${truncateUtf8(name, 36)}_restored_${restoreStamp(now)}`,
        passwordSaved: saved !== undefined,
      };
    });
  }

  restore(ref: DumpRef & { target: DatabaseRestoreTarget }): Promise<DatabaseRestoreReport> {
    return this.#task.run((signal) =>
      this.#deps.withSnapshot(ref.repositoryId, ref.snapshotId, (repo, snapshot) =>
        this.#run(repo, snapshot, ref, signal),
      ),
    );
  }

  async #run(
    repo: Repository,
    snapshot: SnapshotWithId,
    ref: DumpRef & { target: DatabaseRestoreTarget },
    signal: AbortSignal,
  ): Promise<DatabaseRestoreReport> {
    const { kind, name } = dumpKindAndName(ref.path);
    const files = await snapshotFolderFiles(repo, snapshot, kind);
    const node = dumpNode(files, ref.path);
    const { source, target, server } = await this.#prepare(kind, name, ref.target);
    const progress = progressOf(this.#deps.emitProgress, node.size ?? null, ref.path);
    progress('restoring', 0, true);
    const result = await source.restore(snapshotRestoreInput(files, repo, signal), {
      ...(target !== undefined ? { target } : {}),
      ...(ref.target.overwrite?.confirmed ? { overwrite: { confirmed: true } } : {}),
      signal,
      onProgress: (bytes) => progress('restoring', bytes),
    });
    progress('checking', result.bytesRead, true);
    const where = server ? ` on ${server}` : '';
    this.#deps.log(
      result.replaced ? 'warn' : 'info',
      result.replaced
        ? `"${result.target}"${where} was replaced with ${ref.path} of backup version ${snapshot.id.slice(0, 8)}.`
        : `${ref.path} of backup version ${snapshot.id.slice(0, 8)} was restored into "${result.target}"${where}.`,
    );
    // Counting is a report, not a check: a failure here leaves the numbers out, not the restore.
    const census: Census | null = await source.census(result.target, signal).catch(() => null);
    signal.throwIfAborted();
    return {
      kind,
      target: result.target,
      server,
      replaced: result.replaced,
      tables: census?.tables ?? null,
      rows: census?.rows ?? null,
      bytesRestored: result.bytesRead,
      durationMs: result.durationMs,
      // Each restore refuses to finish otherwise: a cut-off dump, a failed statement (the whole
      // transaction rolls back) or a failed integrity check is an error, never a report.
      checks:
        kind === 'sqlite'
          ? [{ check: 'integrity', ok: true }]
          : kind === 'postgres'
            ? [
                { check: 'complete', ok: true },
                { check: 'oneTransaction', ok: true },
              ]
            : [{ check: 'complete', ok: true }],
    };
  }

  /** The source to restore with (the original database's name on the target's server) and the target. */
  async #prepare(
    kind: Kind,
    name: string,
    target: DatabaseRestoreTarget,
  ): Promise<{ source: Source; target: string | undefined; server: string | null }> {
    if (kind === 'sqlite') {
      if (target.kind !== 'file') throw wrongTarget('a file path', kind);
      if (!path.isAbsolute(target.path)) {
        throw new LifeboatError('INVALID_ARGUMENT', `"${target.path}" must be a full path.`, {
          hint: 'Choose the file again, starting from the disk or your home folder.',
        });
      }
      const file = path.resolve(target.path);
      const source = createDatabaseSource({ kind, path: path.join(path.dirname(file), name) });
      return { source, target: file, server: null };
    }
    if (target.kind !== 'server') throw wrongTarget('a database server', kind);
    const original: ServerJobSource = {
      kind,
      host: target.host,
      port: target.port,
      user: target.user,
      database: name,
    };
    const secrets = await this.#deps.secrets();
    const password =
      target.password ??
      (await savedPassword(secrets, original)) ??
      (target.database
        ? await savedPassword(secrets, { ...original, database: target.database })
        : undefined);
    const source = createDatabaseSource(databaseConfig(original), password === undefined ? {} : { password });
    const label = kind === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB';
    return { source, target: target.database, server: `${label} ${target.host}:${String(target.port)}` };
  }
}

function wrongTarget(expected: string, kind: Kind): LifeboatError {
  return new LifeboatError('INVALID_ARGUMENT', `A ${kind} copy is restored into ${expected}.`);
}

function dumpNode(files: ReadonlyMap<string, TreeNode>, dumpPath: string): TreeNode {
  const node = files.get(dumpPath.slice(1));
  if (!node) {
    throw new LifeboatError('NOT_FOUND', `This backup version holds no ${dumpPath}.`, {
      hint: 'Choose the copy again in this version.',
    });
  }
  return node;
}

async function readInfo(repo: Repository, node: TreeNode | undefined): Promise<DumpInfoFile> {
  if (!node) return {};
  try {
    return JSON.parse((await readAll(snapshotFileStream(repo, node))).toString('utf8')) as DumpInfoFile;
  } catch {
    return {};
  }
}

/** The job source (of any job on this computer) whose copy is this snapshot path: the first that backs up into this repository wins. */
function originalSource(jobs: readonly Job[], ref: DumpRef, kind: Kind): DatabaseJobSource | undefined {
  const ordered = [...jobs].sort(
    (a, b) =>
      Number(b.destination.repositoryId === ref.repositoryId) -
      Number(a.destination.repositoryId === ref.repositoryId),
  );
  for (const job of ordered) {
    for (const s of job.sources) {
      if (isDatabaseSource(s) && s.kind === kind && snapshotPathOf(databaseConfig(s)) === ref.path) return s;
    }
  }
  return undefined;
}

function savedPassword(secrets: SecretStore, source: DatabaseJobSource): Promise<string | undefined> {
  return secrets.get(secretAccounts.sourcePassword(sourceKey(source)));
}

function versionText(kind: Kind, info: DumpInfoFile): string | null {
  if (kind === 'postgres' && info.serverVersion) {
    return `PostgreSQL ${/^\d+(\.\d+)*/.exec(info.serverVersion)?.[0] ?? info.serverVersion}`;
  }
  if (kind === 'mysql' && info.server) return /^\S+ \d+(\.\d+)*/.exec(info.server)?.[0] ?? info.server;
  return null;
}

function isoOf(mtime: string | undefined): string {
  const t = mtime ? Date.parse(mtime) : NaN;
  return Number.isNaN(t) ? new Date(0).toISOString() : new Date(t).toISOString();
}

/** Progress events (operation 'restore-database'), at most five a second. */
function progressOf(
  emit: (event: ProgressEvent) => void,
  total: number | null,
  item: string,
): (phase: 'restoring' | 'checking', bytes: number, force?: boolean) => void {
  const started = Date.now();
  let last = 0;
  return (phase, bytes, force = false) => {
    const now = Date.now();
    if (!force && now - last < progressEveryMs) return;
    last = now;
    const rate = now > started ? (bytes / (now - started)) * 1000 : 0;
    emit({
      jobId: null,
      operation: 'restore-database',
      phase,
      filesDone: phase === 'checking' ? 1 : 0,
      filesTotal: 1,
      bytesDone: bytes,
      bytesTotal: total,
      currentItem: item,
      etaSeconds: phase === 'restoring' && total && rate > 0 ? Math.max(0, (total - bytes) / rate) : null,
      bytesPerSecond: rate > 0 ? rate : null,
    });
  };
}
