import type { Result } from '../../shared/contract.ts';
import { errorCodes } from '../../shared/errors.ts';
import { ClientError } from './client.ts';

const knownCodes: ReadonlySet<string> = new Set(errorCodes);

/** Returns the value of a Result or throws ClientError; a malformed envelope is an INTERNAL error. */
export function unwrapResult<T>(result: Result<T> | unknown): T {
  if (typeof result === 'object' && result !== null && 'ok' in result) {
    const r = result as Result<T>;
    if (r.ok === true) return r.value;
    if (r.ok === false && typeof r.error === 'object' && r.error !== null) {
      const { code, message, hint, details } = r.error;
      throw new ClientError({
        code: knownCodes.has(code) ? code : 'INTERNAL',
        message: typeof message === 'string' ? message : 'Unknown error',
        ...(typeof hint === 'string' ? { hint } : {}),
        ...(typeof details === 'string' ? { details } : {}),
      });
    }
  }
  throw new ClientError({
    code: 'INTERNAL',
    message: 'Lifeboat sent a reply the UI could not read.',
    details: safeJson(result),
  });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
