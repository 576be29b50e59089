/**
 * Turns mysql/mysqldump failures into typed errors by the server/client error number, which does not
 * depend on the language of the message ('ERROR 1045 (28000): …', 'Got error: 2002: …', '… (1044)').
 */
import { LifeboatError } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';

const byNumber: Record<number, { code: ErrorCode; message: (where: string) => string }> = {};
const add = (numbers: number[], code: ErrorCode, message: (where: string) => string) => {
  for (const n of numbers) byNumber[n] = { code, message };
};
add(
  [1045, 1698, 1251],
  'DB_AUTH_FAILED',
  (w) => `The MySQL/MariaDB server ${w} refused the user name or password.`,
);
add(
  [2002, 2003, 2005, 2006, 2013, 2026, 2055, 1129, 1130],
  'DB_UNREACHABLE',
  (w) => `Lifeboat could not connect to the MySQL/MariaDB server ${w}.`,
);
// 1114: the table is full; 1021: disk full (an OS "Errcode: 28" is matched by its text below)
add([1114, 1021], 'DISK_FULL', (w) => `The MySQL/MariaDB server ${w} ran out of disk space.`);
add([1049], 'DB_NOT_FOUND', (w) => `The database was not found on the MySQL/MariaDB server ${w}.`);
add([1007], 'DB_EXISTS', (w) => `The database already exists on the MySQL/MariaDB server ${w}.`);
add(
  [1044, 1142, 1143, 1227, 1370, 1449],
  'PERMISSION_DENIED',
  (w) => `The MySQL/MariaDB user may not read or change everything on ${w}.`,
);

/** Error numbers mentioned in a tool's stderr, in order of appearance. */
export function mysqlErrorNumbers(stderr: string): number[] {
  const found: number[] = [];
  for (const m of stderr.matchAll(/(?:ERROR\s+|error:\s*|\()(\d{4})\b/gi)) found.push(Number(m[1]));
  return found;
}

export function mysqlFailure(
  stderr: string,
  where: string,
  fallback: { code: ErrorCode; message: string },
  exitCode?: number | null,
): LifeboatError {
  const details = stderr.trim() || (exitCode !== undefined ? `exit code ${String(exitCode)}` : '');
  for (const n of mysqlErrorNumbers(stderr)) {
    const rule = byNumber[n];
    if (rule) return new LifeboatError(rule.code, rule.message(where), { details });
  }
  if (/no space left on device|errcode: 28\b/i.test(stderr)) {
    return new LifeboatError('DISK_FULL', `The MySQL/MariaDB server ${where} ran out of disk space.`, {
      details,
    });
  }
  if (/can't connect|unknown (mysql |mariadb )?server host/i.test(stderr)) {
    return new LifeboatError(
      'DB_UNREACHABLE',
      `Lifeboat could not connect to the MySQL/MariaDB server ${where}.`,
      { details },
    );
  }
  return new LifeboatError(fallback.code, fallback.message, { details });
}
