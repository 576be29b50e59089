/**
 * CRM presets: from an install folder, find the CRM's database (as a source config without the
 * password; the password found is returned separately, for the keychain) and the folders and files a
 * complete backup also needs (uploads, filestore, customizations, config files).
 */
import { readFile, stat } from 'node:fs/promises';
import type { CrmId } from '../../../shared/jobs.ts';
import type { CrmWarning } from '../../../shared/sources.ts';
import type { MysqlSourceConfig } from '../mysql/mysql-source.ts';
import { formatMysqlUrl } from '../mysql/mysql-connection.ts';
import { formatPostgresUrl } from '../postgres/pg-connection.ts';
import type { PostgresSourceConfig } from '../postgres/pg-source.ts';

export type { CrmId, CrmWarning };

/** A warning with a stable code (translated by the UI) and its English text. */
export function warning(code: string, message: string, params?: Record<string, string>): CrmWarning {
  return { code, message, ...(params ? { params } : {}) };
}

export interface CrmDetection {
  crm: CrmId;
  /** Display name: 'EspoCRM', 'SuiteCRM 8', … */
  name: string;
  installDir: string;
  /** Undefined when the database could not be determined (see warnings). */
  database?: PostgresSourceConfig | MysqlSourceConfig;
  /** The database password found in the CRM's config: store it in the keychain, never in the job. */
  password?: string;
  /** Existing folders to back up with the database (uploads, filestore, customizations). */
  folders: string[];
  /** Existing config files needed to rebuild the installation (they hold secrets: the backup is encrypted). */
  files: string[];
  /** Things the user must know or do (database in Docker, files in S3, …). */
  warnings: CrmWarning[];
  /** Odoo without db_name: the databases that have a filestore folder. */
  databaseCandidates?: string[];
  /** The same as ready configs (same server and user), one per candidate. */
  databaseChoices?: PostgresSourceConfig[] | undefined;
}

export interface CrmPreset {
  id: CrmId;
  name: string;
  detect(installDir: string): Promise<CrmDetection | undefined>;
}

export async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

export async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

export async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

export async function existingDirs(paths: readonly string[]): Promise<string[]> {
  const ok = await Promise.all(paths.map(isDir));
  return paths.filter((_, i) => ok[i]);
}

export async function existingFiles(paths: readonly string[]): Promise<string[]> {
  const ok = await Promise.all(paths.map(isFile));
  return paths.filter((_, i) => ok[i]);
}

/** 'db.example.com:3307' → host and port; a bare host keeps the default port. IPv6 in brackets. */
export function splitHostPort(
  host: string,
  port: string | number | undefined,
  defaultPort: number,
): { host: string; port: number } {
  let h = host.trim();
  let p = typeof port === 'number' ? port : Number(String(port ?? '').trim() || NaN);
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(h) ?? /^([^:]+):(\d+)$/.exec(h);
  if (m) {
    h = m[1]!;
    if (m[2] && !Number.isFinite(p)) p = Number(m[2]);
  }
  return { host: h, port: Number.isFinite(p) && p > 0 ? p : defaultPort };
}

export function mysqlConfig(p: {
  user: string;
  host: string;
  port: number;
  database: string;
  socket?: string;
}): MysqlSourceConfig {
  return {
    kind: 'mysql',
    url: formatMysqlUrl({
      user: p.user,
      host: p.host || 'localhost',
      port: p.port,
      database: p.database,
      ...(p.socket ? { socket: p.socket } : {}),
    }),
  };
}

export function postgresConfig(p: {
  user: string;
  host: string;
  port: number;
  database: string;
}): PostgresSourceConfig {
  return {
    kind: 'postgres',
    url: formatPostgresUrl({ user: p.user, host: p.host, port: p.port, database: p.database }),
  };
}

/** Parses a DATABASE_URL-style address (mysql://, postgres://, postgresql://) including its password. */
export function parseDatabaseUrl(url: string):
  | {
      kind: 'mysql' | 'postgres';
      user: string;
      password?: string;
      host: string;
      port: number;
      database: string;
    }
  | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const kind = /^(mysql|mariadb|pdo-mysql)/.test(u.protocol)
    ? 'mysql'
    : /^postgres/.test(u.protocol)
      ? 'postgres'
      : undefined;
  if (!kind) return undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  return {
    kind,
    user: decodeURIComponent(u.username),
    ...(password !== undefined ? { password } : {}),
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : kind === 'mysql' ? 3306 : 5432,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
}
