/**
 * Finding mysqldump/mariadb-dump and the mysql/mariadb client, and choosing a dump tool the server
 * accepts: the same flavour (MySQL or MariaDB) at least as new as the server's major.minor. The other
 * flavour's tool is used only when no same-flavour tool is installed (it works for plain InnoDB CRM
 * schemas; test() says so).
 */
import { LifeboatError } from '../../../shared/errors.ts';
import { findExecutables, siblingTool } from '../tools/find-tool.ts';
import type { ToolSearch } from '../tools/find-tool.ts';
import { runTool } from '../tools/run-tool.ts';

export type MysqlFlavor = 'mysql' | 'mariadb';

export interface MysqlVersion {
  flavor: MysqlFlavor;
  /** '10.11.19' */
  version: string;
  major: number;
  minor: number;
}

export interface MysqlTool extends MysqlVersion {
  path: string;
}

export const mysqlWellKnownDirs: readonly string[] =
  process.platform === 'win32'
    ? [
        'C:\\Program Files\\MariaDB *\\bin',
        'C:\\Program Files\\MySQL\\MySQL Server *\\bin',
        'C:\\xampp\\mysql\\bin',
      ]
    : process.platform === 'darwin'
      ? [
          '/opt/homebrew/opt/mysql-client/bin',
          '/opt/homebrew/opt/mariadb/bin',
          '/opt/homebrew/bin',
          '/usr/local/opt/mysql-client/bin',
          '/usr/local/mysql/bin',
          '/usr/local/bin',
        ]
      : ['/usr/bin', '/usr/local/bin', '/usr/local/mysql/bin', '/opt/lampp/bin'];

const dumpNames = ['mariadb-dump', 'mysqldump'];
const clientNames = ['mariadb', 'mysql'];

function version(flavor: MysqlFlavor, v: string): MysqlVersion {
  const [major = 0, minor = 0] = v.split('.').map(Number);
  return { flavor, version: v, major, minor };
}

/**
 * Version of a tool from its --version line:
 * 'mysqldump  Ver 10.19 Distrib 10.11.19-MariaDB, …' → MariaDB 10.11.19;
 * 'mariadb-dump from 11.4.2-MariaDB, client 10.19 …' → MariaDB 11.4.2;
 * 'mysqldump  Ver 8.0.36 for Linux …' → MySQL 8.0.36; 'Ver 10.13 Distrib 5.7.44, …' → MySQL 5.7.44.
 */
export function parseMysqlToolVersion(output: string): MysqlVersion | undefined {
  const maria = /(\d+\.\d+\.\d+)-MariaDB/i.exec(output);
  if (maria?.[1]) return version('mariadb', maria[1]);
  const distrib = /Distrib\s+(\d+\.\d+\.\d+)/i.exec(output);
  if (distrib?.[1]) return version('mysql', distrib[1]);
  const ver = /\bVer\s+(\d+\.\d+\.\d+)/i.exec(output);
  if (ver?.[1]) return version('mysql', ver[1]);
  return undefined;
}

/** SELECT VERSION(): '10.11.19-MariaDB-0+deb12u1' → MariaDB; '8.0.36' → MySQL. */
export function parseServerVersion(text: string): MysqlVersion {
  const v = /(\d+\.\d+\.\d+)/.exec(text)?.[1] ?? '0.0.0';
  return version(/mariadb/i.test(text) ? 'mariadb' : 'mysql', v);
}

export function flavorName(f: MysqlFlavor): string {
  return f === 'mariadb' ? 'MariaDB' : 'MySQL';
}

async function probe(path: string, env: NodeJS.ProcessEnv): Promise<MysqlTool | undefined> {
  try {
    const r = await runTool(path, ['--version'], { env, timeoutMs: 15_000 });
    const v = r.code === 0 ? parseMysqlToolVersion(r.stdout) : undefined;
    return v ? { ...v, path } : undefined;
  } catch {
    return undefined;
  }
}

const missing = () =>
  new LifeboatError(
    'DUMP_TOOL_MISSING',
    'The MySQL/MariaDB client tools (mysqldump and mysql) were not found.',
    {
      hint:
        'Install the client tools of your server (Debian/Ubuntu: mariadb-client or mysql-client; Windows: the MariaDB or MySQL installer), ' +
        'or choose the folder that holds mysqldump.',
    },
  );

export interface MysqlToolset {
  dumps: MysqlTool[];
  /** The command-line client used for queries and restores. */
  client: MysqlTool;
}

const newer = (a: MysqlVersion, b: MysqlVersion) =>
  a.major - b.major || a.minor - b.minor || a.version.localeCompare(b.version, 'en', { numeric: true });

export async function locateMysqlTools(search: ToolSearch, needDump = true): Promise<MysqlToolset> {
  const env = search.env ?? process.env;
  const dumps: MysqlTool[] = [];
  for (const path of await findExecutables(dumpNames, mysqlWellKnownDirs, search)) {
    const tool = await probe(path, env);
    if (tool) dumps.push(tool);
  }
  dumps.sort((a, b) => newer(b, a));
  if (needDump && dumps.length === 0) throw missing();
  const best = dumps[0];
  const sibling = best ? await siblingTool(best.path, clientNames) : undefined;
  const candidates = [
    ...(sibling ? [sibling] : []),
    ...(await findExecutables(clientNames, mysqlWellKnownDirs, search)),
  ];
  for (const path of candidates) {
    const client = await probe(path, env);
    if (client) return { dumps, client };
  }
  throw missing();
}

/** The dump tool for this server, or DUMP_TOOL_INCOMPATIBLE naming the version needed. */
export function chooseDumpTool(
  dumps: readonly MysqlTool[],
  server: MysqlVersion,
): { tool: MysqlTool; note?: string } {
  const same = dumps.filter((d) => d.flavor === server.flavor);
  const fit = same.find((d) => newer(d, { ...server, version: `${server.major}.${server.minor}` }) >= 0);
  if (fit) return { tool: fit };
  const name = flavorName(server.flavor);
  const needed = `${server.major}.${server.minor}`;
  const tooOld = same[0];
  if (tooOld) {
    throw new LifeboatError(
      'DUMP_TOOL_INCOMPATIBLE',
      `${name} dump tool ${tooOld.version} is older than the ${name} ${server.version} server: version ${needed} or newer is needed.`,
      {
        hint: `Install the ${name} ${needed} client tools (or newer), then try again.`,
        details: `dump tool: ${tooOld.path} (${name} ${tooOld.version}); server: ${name} ${server.version}; needed: ${name} client >= ${needed}`,
      },
    );
  }
  const other = dumps[0];
  if (!other) throw missing();
  return {
    tool: other,
    note: `Using the ${flavorName(other.flavor)} ${other.version} dump tool for a ${name} server; installing the ${name} ${needed} client tools is recommended.`,
  };
}
