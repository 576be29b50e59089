/**
 * MySQL/MariaDB connection parameters: parsed from 'mysql://USER@HOST:PORT/DB' (a unix socket as
 * '?socket=/run/mysqld/mysqld.sock'), handed to mysql/mysqldump in a 0600 option file through
 * --defaults-extra-file (always the first argument). The password never appears on a command line.
 */
import { LifeboatError } from '../../../shared/errors.ts';
import { createSecretFile } from '../tools/secret-file.ts';
import type { SecretFile } from '../tools/secret-file.ts';

export interface MysqlConnection {
  user: string;
  /** Host name or IP. 'localhost' without a socket means the client's default unix socket. */
  host: string;
  port: number;
  socket?: string;
  database: string;
  password?: string;
}

const badUrl = (url: string) =>
  new LifeboatError(
    'INVALID_ARGUMENT',
    `"${url.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@')}" is not a MySQL/MariaDB address.`,
    {
      hint: 'Write it as mysql://USER@HOST:PORT/DATABASE.',
    },
  );

export function parseMysqlUrl(url: string): MysqlConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw badUrl(url);
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') throw badUrl(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const user = decodeURIComponent(u.username);
  if (!database) throw new LifeboatError('INVALID_ARGUMENT', 'The MySQL/MariaDB address names no database.');
  if (!user) throw new LifeboatError('INVALID_ARGUMENT', 'The MySQL/MariaDB address names no user.');
  const socket = u.searchParams.get('socket') ?? undefined;
  return {
    user,
    host: u.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port: u.port ? Number(u.port) : 3306,
    ...(socket ? { socket } : {}),
    database,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

export function formatMysqlUrl(c: MysqlConnection): string {
  const host = c.host.includes(':') ? `[${c.host}]` : c.host;
  const q = c.socket ? `?socket=${encodeURIComponent(c.socket)}` : '';
  return `mysql://${encodeURIComponent(c.user)}@${host}:${c.port}/${encodeURIComponent(c.database)}${q}`;
}

/** A double-quoted option-file value: \\, \" and control characters escaped (MySQL and MariaDB parse these). */
export function optionValue(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `"${escaped}"`;
}

/** The [client] section for this connection. */
export function optionFileText(c: MysqlConnection, password: string | undefined): string {
  const lines = ['[client]', `user=${optionValue(c.user)}`];
  if (password !== undefined) lines.push(`password=${optionValue(password)}`);
  if (c.socket) {
    lines.push(`socket=${optionValue(c.socket)}`, 'protocol=SOCKET');
  } else {
    lines.push(`host=${optionValue(c.host)}`, `port=${c.port}`);
    // 'localhost' means the default unix socket to the client, as it does to PHP's mysqli (EspoCRM, SuiteCRM).
    if (c.host !== 'localhost') lines.push('protocol=TCP');
  }
  return `${lines.join('\n')}\n`;
}

export interface MysqlSession {
  /** Must be the first argument of every mysql/mysqldump call. */
  defaultsArg: string;
  dispose(): Promise<void>;
}

export async function mysqlSession(
  c: MysqlConnection,
  password: string | undefined,
  tempDir?: string,
): Promise<MysqlSession> {
  const file: SecretFile = await createSecretFile('client.cnf', optionFileText(c, password), tempDir);
  return { defaultsArg: `--defaults-extra-file=${file.path}`, dispose: () => file.dispose() };
}

/** `name` as a backtick-quoted identifier. */
export function quoteIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** `text` as a string literal that means the same in every sql_mode (hex, converted to utf8mb4). */
export function quoteText(text: string): string {
  if (text === '') return "''";
  return `CONVERT(0x${Buffer.from(text, 'utf8').toString('hex')} USING utf8mb4)`;
}
