/**
 * Restoring a database copy out of a snapshot: the dump files under '/postgres' or '/mysql' are
 * streamed out of the repository blob by blob (no temporary file) into the source's restore, which
 * creates a new database unless replacing one was explicitly confirmed.
 */
import { Readable } from 'node:stream';
import { LifeboatError } from '../../shared/errors.ts';
import { walkTree } from '../repo/ls.ts';
import type { Repository } from '../repo/repository.ts';
import type { SnapshotWithId } from '../repo/snapshot.ts';
import type { TreeNode } from '../repo/tree.ts';
import { createDatabaseSource } from './index.ts';
import type { DatabaseSourceConfig } from './index.ts';
import { formatMysqlUrl, parseMysqlUrl } from './mysql/mysql-connection.ts';
import { formatPostgresUrl, parsePostgresUrl } from './postgres/pg-connection.ts';
import type { RestoreInput, RestoreOptions, RestoreResult } from './source.ts';

/** Blobs fetched ahead while the database client consumes the current one. */
const readAhead = 4;

/** A file of the snapshot as a stream, read blob by blob with a little read-ahead. */
export function snapshotFileStream(repo: Repository, node: TreeNode, signal?: AbortSignal): Readable {
  const ids = node.content ?? [];
  async function* blobs(): AsyncGenerator<Buffer> {
    const pending: Promise<Buffer>[] = [];
    let next = 0;
    const fill = () => {
      while (pending.length < readAhead && next < ids.length) {
        const p = repo.loadBlob('data', ids[next++]!);
        p.catch(() => undefined); // awaited in order below
        pending.push(p);
      }
    };
    fill();
    while (pending.length > 0) {
      signal?.throwIfAborted();
      const data = await pending.shift()!;
      fill();
      yield data;
    }
  }
  return Readable.from(blobs(), { objectMode: false });
}

/** The files of a snapshot folder ('/postgres'), by their path below the root ('postgres/crm.sql'). */
export async function snapshotFolderFiles(
  repo: Repository,
  snapshot: SnapshotWithId,
  folder: string,
): Promise<Map<string, TreeNode>> {
  const files = new Map<string, TreeNode>();
  for await (const e of walkTree(repo, snapshot.tree, { descend: (entry) => entry.path === `/${folder}` })) {
    if (e.node.type === 'file' && e.path.startsWith(`/${folder}/`)) files.set(e.path.slice(1), e.node);
  }
  return files;
}

/** The files of a snapshot folder as a source's restore reads them (by their entry paths). */
export function snapshotRestoreInput(
  files: ReadonlyMap<string, TreeNode>,
  repo: Repository,
  signal?: AbortSignal,
): RestoreInput {
  return {
    paths: [...files.keys()],
    open: async (path) => {
      const node = files.get(path);
      if (!node) throw new LifeboatError('NOT_FOUND', `${path} is not in the snapshot.`);
      return snapshotFileStream(repo, node, signal);
    },
  };
}

export interface DatabaseRestoreRequest {
  /** The snapshot path of the copy: '/postgres/crm' or '/postgres/crm.sql' (also '/mysql/…'). */
  include: string;
  /** Where to: postgres://USER@HOST:PORT/NEWDB or mysql://…; the database is created. */
  to: string;
  password?: string;
  /** Replace the target database if it exists (the user confirmed it). */
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number) => void;
  /** Folder holding psql/mysql, searched before PATH. */
  toolsDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** '/postgres/crm.sql' → { kind: 'postgres', name: 'crm' }. */
export function parseDatabaseInclude(include: string): { kind: 'postgres' | 'mysql'; name: string } {
  const parts = include.split('/').filter(Boolean);
  const kind = parts[0];
  const file = parts[1];
  if (parts.length !== 2 || (kind !== 'postgres' && kind !== 'mysql') || !file) {
    throw new LifeboatError('INVALID_ARGUMENT', `"${include}" is not a database copy in the snapshot.`, {
      hint: 'Name it as it appears in the snapshot, e.g. /postgres/crm or /mysql/crm.',
    });
  }
  return { kind, name: file.replace(/\.(sql|info\.json)$/, '') };
}

export async function restoreDatabaseFromSnapshot(
  repo: Repository,
  snapshot: SnapshotWithId,
  request: DatabaseRestoreRequest,
): Promise<RestoreResult> {
  const { kind, name } = parseDatabaseInclude(request.include);
  const files = await snapshotFolderFiles(repo, snapshot, kind);
  if (!files.has(`${kind}/${name}.sql`)) {
    throw new LifeboatError(
      'NOT_FOUND',
      `The snapshot holds no copy of the database "${name}" in /${kind}.`,
      {
        hint: `Copies in it: ${[...files.keys()].filter((p) => p.endsWith('.sql') && !p.endsWith('/roles.sql')).join(', ') || 'none'}.`,
      },
    );
  }
  // The source is the original database (its entry names) on the target's server; the target
  // database is the one named in `to`.
  let config: DatabaseSourceConfig;
  let target: string;
  if (kind === 'postgres') {
    const conn = parsePostgresUrl(request.to);
    target = conn.database;
    config = { kind, url: formatPostgresUrl({ ...conn, database: name }) };
  } else {
    const conn = parseMysqlUrl(request.to);
    target = conn.database;
    config = { kind, url: formatMysqlUrl({ ...conn, database: name }) };
  }
  if (request.toolsDir) config = { ...config, toolsDir: request.toolsDir };
  const source = createDatabaseSource(config, {
    ...(request.password !== undefined ? { password: request.password } : {}),
    ...(request.env ? { env: request.env } : {}),
  });
  const input = snapshotRestoreInput(files, repo, request.signal);
  const options: RestoreOptions = {
    target,
    ...(request.overwrite ? { overwrite: { confirmed: true } } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  };
  return source.restore(input, options);
}
