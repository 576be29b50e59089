/**
 * Errors a user can meet. Every one has a stable code (hosts and the UI translate it), an English
 * message for logs and the CLI, and optionally a hint saying what to do next. Never a stack trace.
 */
export const errorCodes = [
  'INVALID_ARGUMENT',
  'REQUEST_TOO_LARGE',
  'UNKNOWN_OPERATION',
  'NOT_FOUND',
  'WRONG_PASSWORD',
  'REPO_NOT_FOUND',
  'REPO_EXISTS',
  'REPO_CORRUPT',
  'REPO_LOCKED',
  'UNSAFE_PATH',
  'SOURCE_UNREADABLE',
  'DISK_FULL',
  'PERMISSION_DENIED',
  'CANCELLED',
  'BUSY',
  'NETWORK',
  'AUTH_REQUIRED',
  'QUOTA_EXCEEDED',
  'UNSUPPORTED',
  'KEYCHAIN_UNAVAILABLE',
  'KEYCHAIN_LOCKED',
  'SECRETS_FILE_DAMAGED',
  'DB_UNREACHABLE',
  'DB_AUTH_FAILED',
  'DB_NOT_FOUND',
  'DB_EXISTS',
  'DUMP_TOOL_MISSING',
  'DUMP_TOOL_INCOMPATIBLE',
  'DUMP_FAILED',
  'RESTORE_FAILED',
  'TARGET_NOT_EMPTY',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  hint?: string;
  details?: string;
}

export class LifeboatError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; details?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LifeboatError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  toInfo(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** Turns anything thrown into the shape a user interface may show. Unknown errors become INTERNAL. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof LifeboatError) return err.toInfo();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: 'Something went wrong inside Lifeboat.', details: message };
}
