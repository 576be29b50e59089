/**
 * Opens a restored SQLite database read-only and runs PRAGMA integrity_check, which reads every
 * page and index: the test that a CRM could actually start from this file. node:sqlite is
 * synchronous, and a check of a large database takes minutes, so it runs in a worker thread
 * (sqlite-check-worker.ts) and the runner's event loop stays free; cancelling terminates it.
 */
import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { LifeboatError } from '../../../shared/errors.ts';
import { workerScript } from '../../repo/worker-url.ts';

export interface SqliteCheckResult {
  ok: boolean;
  /** "ok", or the first messages of integrity_check, or why the file could not be opened. */
  result: string;
  tables?: number;
}

/** integrity_check stops after this many messages; a few are enough to say it is damaged. */
const maxMessages = 10;

/** Runs in the worker (or in process as a fallback). Never throws. */
export function checkSqliteFileSync(file: string): SqliteCheckResult {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    const rows = db.prepare(`PRAGMA integrity_check(${maxMessages})`).all() as Array<Record<string, unknown>>;
    // One row may hold several messages separated by newlines; keep the first few.
    const messages = rows
      .flatMap((r) => String(Object.values(r)[0]).split('\n'))
      .map((m) => m.trim())
      .filter((m) => m !== '');
    const ok = messages.length === 1 && messages[0] === 'ok';
    const tables = ok
      ? Number(
          (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number })
            .n,
        )
      : undefined;
    const shown = messages.slice(0, maxMessages);
    if (messages.length > maxMessages) shown.push('…');
    return { ok, result: shown.join('\n') || 'no answer', ...(tables !== undefined ? { tables } : {}) };
  } catch (err) {
    return { ok: false, result: err instanceof Error ? err.message : String(err) };
  } finally {
    try {
      db?.close();
    } catch {
      // closing a database that failed to open
    }
  }
}

const workerUrl = workerScript(new URL('./sqlite-check-worker.ts', import.meta.url));

export function checkSqliteFile(file: string, signal?: AbortSignal): Promise<SqliteCheckResult> {
  signal?.throwIfAborted();
  let worker: Worker;
  try {
    worker = new Worker(workerUrl, { workerData: { file } });
  } catch {
    // No worker threads in this host (an odd bundle): check in process rather than not at all.
    return Promise.resolve(checkSqliteFileSync(file));
  }
  return new Promise<SqliteCheckResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => {
      void worker.terminate();
      finish(() => reject(new LifeboatError('CANCELLED', 'The restore drill was cancelled.')));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (m: SqliteCheckResult) => finish(() => resolve(m)));
    worker.once('error', (err) =>
      finish(() => resolve({ ok: false, result: `The check could not run: ${err.message}` })),
    );
    worker.once('exit', (code) =>
      finish(() => resolve({ ok: false, result: `The check stopped unexpectedly (exit code ${code}).` })),
    );
  });
}
