import { LifeboatError } from '../../shared/errors.ts';

/** The errno code of a Node fs error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Turns an fs error a user can meet into a typed LifeboatError; anything unexpected is wrapped as
 * INTERNAL with the original message kept in `details`.
 */
export function fsError(err: unknown, what: string): LifeboatError {
  if (err instanceof LifeboatError) return err;
  const code = errnoCode(err);
  const details = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new LifeboatError('DISK_FULL', `Not enough free space while writing ${what}.`, {
        hint: 'Free some space on the destination disk and try again.',
        details,
        cause: err,
      });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new LifeboatError('PERMISSION_DENIED', `Permission denied for ${what}.`, {
        hint: 'Check that Lifeboat may read and write this folder.',
        details,
        cause: err,
      });
    case 'ENOENT':
      return new LifeboatError('NOT_FOUND', `${what} does not exist.`, { details, cause: err });
    default:
      return new LifeboatError('INTERNAL', `Could not access ${what}.`, { details, cause: err });
  }
}
