/**
 * Database sources on the command line: `sqlite:PATH`, `postgres://USER@HOST:PORT/DB` and
 * `mysql://USER@HOST:PORT/DB` next to plain paths. A password never comes from the command line
 * (other users could read it in the process list): LIFEBOAT_DB_PASSWORD, PGPASSWORD (PostgreSQL),
 * or a hidden prompt on a terminal.
 */
import path from 'node:path';
import type { DatabaseSourceConfig } from '../../engine/sources/index.ts';
import { LifeboatError } from '../../shared/errors.ts';
import { promptHidden } from '../prompt.ts';

export interface BackupArgs {
  paths: string[];
  databases: DatabaseSourceConfig[];
}

const postgresScheme = /^postgres(ql)?:\/\//i;
const mysqlScheme = /^(mysql|mariadb):\/\//i;

export function refusePassword(arg: string): void {
  let hasPassword: boolean;
  try {
    hasPassword = new URL(arg).password !== '';
  } catch {
    return; // the source's own parser reports a malformed address
  }
  if (hasPassword) {
    throw new LifeboatError('INVALID_ARGUMENT', 'A database password must not be written in the address.', {
      hint: 'Other users of this computer could read it. Set LIFEBOAT_DB_PASSWORD instead, or type it when asked.',
    });
  }
}

export function parseBackupArgs(args: readonly string[]): BackupArgs {
  const out: BackupArgs = { paths: [], databases: [] };
  for (const arg of args) {
    if (arg.startsWith('sqlite:')) {
      out.databases.push({ kind: 'sqlite', path: path.resolve(arg.slice('sqlite:'.length)) });
    } else if (postgresScheme.test(arg)) {
      refusePassword(arg);
      out.databases.push({ kind: 'postgres', url: arg });
    } else if (mysqlScheme.test(arg)) {
      refusePassword(arg);
      out.databases.push({ kind: 'mysql', url: arg });
    } else {
      out.paths.push(arg);
    }
  }
  return out;
}

/** The password for server databases, or undefined (then only password-less logins work). */
export async function databasePassword(
  kind: 'postgres' | 'mysql',
  purpose: string,
): Promise<string | undefined> {
  const fromEnv =
    process.env.LIFEBOAT_DB_PASSWORD ?? (kind === 'postgres' ? process.env.PGPASSWORD : undefined);
  if (fromEnv !== undefined) return fromEnv;
  if (process.stdin.isTTY)
    return (await promptHidden(`Password for ${purpose} (empty for none): `)) || undefined;
  return undefined;
}
