/**
 * The wire format between WorkerPool (main thread) and serveTasks (worker thread). Internal to the
 * two; task payloads are typed by the pool's and the handler's type parameters.
 */
import { LifeboatError, errorCodes } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';

export type ToWorker =
  | { t: 'run'; id: number; req: unknown }
  | { t: 'reply'; id: number; seq: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; seq: number; ok: false; error: WireError }
  | { t: 'cancel'; id: number };

export type FromWorker =
  | { t: 'ready' }
  | { t: 'done'; id: number; value: unknown }
  | { t: 'fail'; id: number; error: WireError }
  | { t: 'msg'; id: number; seq: number; value: unknown };

/** An error as it crosses a thread boundary: LifeboatErrors keep their code and hint. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  hint?: string;
  details?: string;
  stack?: string;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof LifeboatError) {
    return {
      name: err.name,
      message: err.message,
      code: err.code,
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err.details ? { details: err.details } : {}),
    };
  }
  if (err instanceof Error)
    return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { name: 'Error', message: String(err) };
}

export function fromWireError(w: WireError): Error {
  if (w.code && (errorCodes as readonly string[]).includes(w.code)) {
    return new LifeboatError(w.code as ErrorCode, w.message, {
      ...(w.hint ? { hint: w.hint } : {}),
      ...(w.details ? { details: w.details } : {}),
    });
  }
  const e = new Error(w.message);
  e.name = w.name;
  if (w.stack) e.stack = w.stack;
  return e;
}

export function cancelledError(what = 'The operation'): LifeboatError {
  return new LifeboatError('CANCELLED', `${what} was cancelled.`);
}
