/**
 * Pieces the server database sources (MySQL/MariaDB, PostgreSQL) build alike: the streamed dump
 * entry, the small '<db>.info.json' entry, the connection test's result and the restore's result.
 */
import { toErrorInfo } from '../../shared/errors.ts';
import type { RestoreResult, SourceEntry, SourceTestResult } from './source.ts';
import { bufferStream, cancelledError } from './tools/run-tool.ts';
import type { Readable } from 'node:stream';

/** A dump produced on the fly when opened (size unknown until read); 0600, it holds the whole CRM. */
export function dumpEntry(
  path: string,
  startedAt: Date,
  sizeHint: number,
  signal: AbortSignal,
  open: () => Promise<Readable>,
): SourceEntry {
  return {
    path,
    mode: 0o600,
    mtime: startedAt,
    sizeHint,
    async open() {
      if (signal.aborted) throw cancelledError();
      return open();
    },
  };
}

/** `body` as pretty JSON: the info file written next to a dump. */
export function jsonEntry(path: string, body: object, startedAt: Date): SourceEntry {
  const data = Buffer.from(`${JSON.stringify(body, null, 2)}\n`);
  return {
    path,
    mode: 0o600,
    mtime: startedAt,
    size: data.length,
    open: async () => bufferStream(data),
  };
}

/**
 * Runs a connection test: `probe` fills `details` and returns the success message; a failure
 * becomes a result (with what details were found so far), except a cancel, which is thrown.
 */
export async function testResult(
  details: Record<string, string>,
  probe: () => Promise<string>,
): Promise<SourceTestResult> {
  try {
    const message = await probe();
    return { ok: true, message, details };
  } catch (err) {
    const error = toErrorInfo(err);
    if (error.code === 'CANCELLED') throw err;
    return { ok: false, message: error.message, details, error };
  }
}

/** What a database restore reports: `exists` means the target was there and got replaced. */
export function restoredResult(
  target: string,
  exists: boolean,
  bytesRead: number,
  started: number,
): RestoreResult {
  return {
    target,
    replaced: exists,
    bytesRead,
    durationMs: Math.round(performance.now() - started),
    message: exists
      ? `The database "${target}" was replaced with the backup.`
      : `The backup was restored into the new database "${target}".`,
  };
}
