/**
 * PostgreSQL connection parameters: parsed from 'postgres://USER@HOST:PORT/DB' (a unix socket folder
 * as 'postgres://USER@localhost:5432/DB?host=/run/postgresql'), handed to libpq tools through PG* environment variables and a 0600
 * PGPASSFILE. The password never appears on a command line.
 */
import { LifeboatError } from '../../../shared/errors.ts';
import type { ToolSearch } from '../tools/find-tool.ts';
import { toolEnv } from '../tools/find-tool.ts';
import { createSecretFile } from '../tools/secret-file.ts';
import type { SecretFile } from '../tools/secret-file.ts';

export interface PgConnection {
  user: string;
  /** Host name, IP address, or a unix-socket folder (starts with '/'). Empty: libpq's default socket. */
  host: string;
  port: number;
  database: string;
  /** Only when the URL carried one; configs should not (the keychain holds it). */
  password?: string;
  sslmode?: string;
}

export function parsePostgresUrl(url: string): PgConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LifeboatError('INVALID_ARGUMENT', `"${redactUrl(url)}" is not a PostgreSQL address.`, {
      hint: 'Write it as postgres://USER@HOST:PORT/DATABASE.',
    });
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new LifeboatError('INVALID_ARGUMENT', `"${redactUrl(url)}" is not a PostgreSQL address.`, {
      hint: 'Write it as postgres://USER@HOST:PORT/DATABASE.',
    });
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const user = decodeURIComponent(u.username);
  if (!database) throw new LifeboatError('INVALID_ARGUMENT', 'The PostgreSQL address names no database.');
  if (!user) throw new LifeboatError('INVALID_ARGUMENT', 'The PostgreSQL address names no user.');
  const socketHost = u.searchParams.get('host') ?? '';
  const host = socketHost || u.hostname.replace(/^\[|\]$/g, '');
  const sslmode = u.searchParams.get('sslmode') ?? undefined;
  return {
    user,
    host,
    port: u.port ? Number(u.port) : 5432,
    database,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(sslmode ? { sslmode } : {}),
  };
}

/** The same address without a password: safe for logs, descriptions and configs. */
export function formatPostgresUrl(c: PgConnection): string {
  // A socket folder goes in ?host= (libpq's own convention); the URL still needs a host name.
  const host =
    c.host.startsWith('/') || !c.host ? 'localhost' : c.host.includes(':') ? `[${c.host}]` : c.host;
  const query = new URLSearchParams();
  if (c.host.startsWith('/')) query.set('host', c.host);
  if (c.sslmode) query.set('sslmode', c.sslmode);
  const q = query.toString();
  return (
    `postgres://${encodeURIComponent(c.user)}@${host}:${c.port}/${encodeURIComponent(c.database)}` +
    (q ? `?${q}` : '')
  );
}

export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}

/** A .pgpass line matching any host/port/database for this user: the file lives only for one call. */
function passfileLine(user: string, password: string): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
  return `*:*:*:${esc(user)}:${esc(password)}\n`;
}

export interface PgSession {
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

/**
 * Environment for one tool run: PGHOST/PGPORT/PGUSER/PGDATABASE and PGPASSFILE pointing at a fresh
 * 0600 file. Inherited PG* variables (a user's PGPASSWORD, PGSERVICE, PGOPTIONS) are dropped so only
 * this source's settings apply. `extra` adds e.g. PGOPTIONS for restores.
 */
export async function pgSession(
  c: PgConnection,
  password: string | undefined,
  search: ToolSearch,
  options: { database?: string; extra?: Record<string, string>; tempDir?: string } = {},
): Promise<PgSession> {
  let file: SecretFile | undefined;
  const set: Record<string, string> = {
    PGUSER: c.user,
    PGPORT: String(c.port),
    PGDATABASE: options.database ?? c.database,
    PGCONNECT_TIMEOUT: '10',
    PGAPPNAME: 'lifeboat',
    PG_COLOR: 'never',
    ...options.extra,
  };
  if (c.host) set.PGHOST = c.host;
  if (c.sslmode) set.PGSSLMODE = c.sslmode;
  if (password !== undefined && password !== '') {
    file = await createSecretFile('pgpass', passfileLine(c.user, password), options.tempDir);
    set.PGPASSFILE = file.path;
  } else {
    // No password configured: never fall back to ~/.pgpass of whoever runs Lifeboat by accident.
    set.PGPASSFILE = process.platform === 'win32' ? 'NUL' : '/dev/null';
  }
  return {
    env: toolEnv(search, /^PG/, set),
    dispose: async () => file?.dispose(),
  };
}
