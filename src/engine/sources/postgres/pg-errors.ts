/**
 * Turns libpq/psql/pg_dump failures into typed errors. The tools run with LC_ALL=C, but some text
 * comes from the server in its own language, so the common Russian server messages are matched too.
 */
import { LifeboatError } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';

interface Rule {
  code: ErrorCode;
  test: RegExp;
  message: (where: string) => string;
}

const rules: Rule[] = [
  {
    code: 'DB_AUTH_FAILED',
    test: /password authentication failed|no password supplied|authentication failed for user|не прошёл проверку подлинности|пароль не указан|(FATAL|ВАЖНО):\s+(role "[^"]*" does not exist|роль "[^"]*" не существует)|no pg_hba\.conf entry|нет записи в pg_hba\.conf/i,
    message: (w) => `The PostgreSQL server ${w} refused the user name or password.`,
  },
  {
    code: 'DB_NOT_FOUND',
    test: /database "[^"]*" does not exist|база данных "[^"]*" не существует/i,
    message: (w) => `The database was not found on the PostgreSQL server ${w}.`,
  },
  {
    code: 'DB_UNREACHABLE',
    test: /could not connect|connection refused|could not translate host name|timeout expired|no route to host|network is unreachable|no such file or directory\s+Is the server running|server closed the connection unexpectedly|the database system is (starting up|shutting down)|Connection timed out|could not send startup packet/i,
    message: (w) => `Lifeboat could not connect to the PostgreSQL server ${w}.`,
  },
  {
    code: 'DISK_FULL',
    test: /no space left on device|could not extend file|disk full|нет места на устройстве|не удалось расширить файл/i,
    message: (w) => `The PostgreSQL server ${w} ran out of disk space.`,
  },
  {
    code: 'PERMISSION_DENIED',
    test: /permission denied|must be superuser|must be owner|доступ запрещён|нет доступа/i,
    message: (w) => `The PostgreSQL user may not read everything on ${w}.`,
  },
];

/**
 * Classifies a failed run. `fallback` is the code when nothing specific matched (DUMP_FAILED for
 * pg_dump, RESTORE_FAILED for a restore).
 */
export function pgFailure(
  stderr: string,
  where: string,
  fallback: { code: ErrorCode; message: string },
  exitCode?: number | null,
): LifeboatError {
  const details = stderr.trim() || (exitCode !== undefined ? `exit code ${String(exitCode)}` : '');
  for (const rule of rules) {
    if (rule.test.test(stderr)) return new LifeboatError(rule.code, rule.message(where), { details });
  }
  return new LifeboatError(fallback.code, fallback.message, { details });
}
