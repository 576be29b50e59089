/**
 * Finding pg_dump/psql/pg_dumpall and checking pg_dump against the server: pg_dump refuses servers
 * of a newer major version, so we pick the newest installed pg_dump and say which one is needed.
 */
import { realpath } from 'node:fs/promises';
import { LifeboatError } from '../../../shared/errors.ts';
import { findExecutables, siblingTool } from '../tools/find-tool.ts';
import type { ToolSearch } from '../tools/find-tool.ts';
import { runTool } from '../tools/run-tool.ts';

/** Where PostgreSQL client tools usually live, per platform (several versions side by side). */
export const pgWellKnownDirs: readonly string[] =
  process.platform === 'win32'
    ? ['C:\\Program Files\\PostgreSQL\\*\\bin', 'C:\\Program Files (x86)\\PostgreSQL\\*\\bin']
    : process.platform === 'darwin'
      ? [
          '/Applications/Postgres.app/Contents/Versions/*/bin',
          '/opt/homebrew/opt/postgresql@*/bin',
          '/usr/local/opt/postgresql@*/bin',
          '/opt/homebrew/bin',
          '/usr/local/bin',
        ]
      : [
          '/usr/lib/postgresql/*/bin',
          '/usr/pgsql-*/bin',
          '/usr/local/pgsql/bin',
          '/usr/bin',
          '/usr/local/bin',
        ];

export interface PgTool {
  path: string;
  /** '15.18' */
  version: string;
  /** Major version in server_version_num / 100 form: 15.18 → 1500, 9.6.24 → 906. */
  majorNum: number;
}

export interface PgTools {
  pgDump: PgTool;
  psql: string;
  pgDumpall: string | undefined;
}

/** 'pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)' → '15.18'. */
export function parsePgToolVersion(output: string): string | undefined {
  return /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(output)?.[1] ?? /\b(\d+\.\d+(?:\.\d+)?)\b/.exec(output)?.[1];
}

/** Major version as server_version_num / 100: 15.18 → 1500, 9.6.24 → 906. */
export function pgMajorNum(version: string): number {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a >= 10 ? a * 100 : a * 100 + b;
}

export function pgMajorLabel(majorNum: number): string {
  return majorNum >= 1000 ? String(majorNum / 100) : `${Math.floor(majorNum / 100)}.${majorNum % 100}`;
}

async function toolVersion(path: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const r = await runTool(path, ['--version'], { env, timeoutMs: 15_000 });
    return r.code === 0 ? parsePgToolVersion(r.stdout) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Debian's /usr/bin/pg_* are links to pg_wrapper, which picks a version per connection: its
 * `--version` may not be the pg_dump that runs later. Real binaries go first; ties keep the first.
 */
async function preferRealBinaries(paths: string[]): Promise<string[]> {
  const wrapped = await Promise.all(
    paths.map(async (p) => /pg_wrapper$/.test(await realpath(p).catch(() => p))),
  );
  return [...paths.filter((_, i) => !wrapped[i]), ...paths.filter((_, i) => wrapped[i])];
}

const missing = () =>
  new LifeboatError('DUMP_TOOL_MISSING', 'The PostgreSQL client tools (pg_dump and psql) were not found.', {
    hint:
      'Install the PostgreSQL client tools of the same major version as the server, or newer ' +
      '(Debian/Ubuntu: postgresql-client; Windows/macOS: the PostgreSQL installer), or choose the folder that holds pg_dump.',
  });

/** The newest pg_dump found, with psql and pg_dumpall preferably from the same folder. */
export async function locatePgTools(search: ToolSearch): Promise<PgTools> {
  const env = search.env ?? process.env;
  const dumps = await preferRealBinaries(await findExecutables(['pg_dump'], pgWellKnownDirs, search));
  let best: PgTool | undefined;
  for (const path of dumps) {
    const version = await toolVersion(path, env);
    if (!version) continue;
    const majorNum = pgMajorNum(version);
    if (!best || majorNum > best.majorNum) best = { path, version, majorNum };
  }
  if (!best) throw missing();
  const psql =
    (await siblingTool(best.path, ['psql'])) ?? (await findExecutables(['psql'], pgWellKnownDirs, search))[0];
  if (!psql) throw missing();
  const pgDumpall =
    (await siblingTool(best.path, ['pg_dumpall'])) ??
    (await findExecutables(['pg_dumpall'], pgWellKnownDirs, search))[0];
  return { pgDump: best, psql, pgDumpall };
}

/** pg_dump must be at least the server's major version (it refuses newer servers). */
export function checkPgDumpCompatible(tool: PgTool, serverVersionNum: number, serverVersion: string): void {
  const serverMajor =
    serverVersionNum >= 100000
      ? Math.floor(serverVersionNum / 10000) * 100
      : Math.floor(serverVersionNum / 100);
  if (tool.majorNum >= serverMajor) return;
  const needed = pgMajorLabel(serverMajor);
  throw new LifeboatError(
    'DUMP_TOOL_INCOMPATIBLE',
    `pg_dump ${tool.version} cannot back up a PostgreSQL ${serverVersion} server: pg_dump ${needed} or newer is needed.`,
    {
      hint: `Install the PostgreSQL ${needed} client tools (or newer), e.g. postgresql-client-${needed}, then try again.`,
      details: `pg_dump: ${tool.path} (${tool.version}); server: ${serverVersion}; needed: pg_dump >= ${needed}`,
    },
  );
}

/** psql alone (restores need nothing else): the newest one found. */
export async function locatePsql(search: ToolSearch): Promise<PgTool> {
  const env = search.env ?? process.env;
  let best: PgTool | undefined;
  for (const path of await preferRealBinaries(await findExecutables(['psql'], pgWellKnownDirs, search))) {
    const version = await toolVersion(path, env);
    if (!version) continue;
    const majorNum = pgMajorNum(version);
    if (!best || majorNum > best.majorNum) best = { path, version, majorNum };
  }
  if (!best) throw missing();
  return best;
}
