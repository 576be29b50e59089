/**
 * Running database client tools (pg_dump, psql, mysqldump, mysql): a buffered run for short queries,
 * and a streaming run whose stdout becomes the entry's content. Arguments never hold secrets; the
 * caller passes them through env or a 0600 file.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { LifeboatError } from '../../../shared/errors.ts';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  /** Text or a stream fed to stdin (a dump being restored). */
  input?: string | Readable;
  /** Bytes of `input` handed to the tool so far. */
  onInputBytes?: (total: number) => void;
  signal?: AbortSignal;
  /** Kills the tool after this long (default: none). */
  timeoutMs?: number;
}

/** Keeps the last `limit` characters of a growing text (tools can print a lot on stderr). */
export class TailBuffer {
  private text = '';
  private readonly limit: number;

  constructor(limit = 16 * 1024) {
    this.limit = limit;
  }

  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > 2 * this.limit) this.text = this.text.slice(-this.limit);
  }

  toString(): string {
    return this.text.length > this.limit ? this.text.slice(-this.limit) : this.text;
  }
}

export function cancelledError(): LifeboatError {
  return new LifeboatError('CANCELLED', 'The operation was cancelled.');
}

function spawnTool(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdin: boolean,
): ChildProcess {
  return spawn(command, args, {
    env,
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

function spawnFailure(command: string, err: NodeJS.ErrnoException): LifeboatError {
  if (err.code === 'ENOENT' || err.code === 'EACCES') {
    return new LifeboatError('DUMP_TOOL_MISSING', `The program ${command} could not be started.`, {
      details: err.message,
      cause: err,
    });
  }
  return new LifeboatError('INTERNAL', `The program ${command} could not be started.`, {
    details: err.message,
    cause: err,
  });
}

/** Runs a tool to completion and collects its output. Rejects only if it cannot start or is cancelled. */
export function runTool(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(cancelledError());
      return;
    }
    const child = spawnTool(command, args, options.env, options.input !== undefined);
    let stdout = '';
    const stderr = new TailBuffer(64 * 1024);
    let settled = false;
    let cancelled = false;
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => stderr.push(c));
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
    const onAbort = () => {
      cancelled = true;
      kill();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          kill();
        }, options.timeoutMs)
      : undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    child.on('error', (err: NodeJS.ErrnoException) => finish(() => reject(spawnFailure(command, err))));
    let inputError: Error | undefined;
    child.on('close', (code, signal) =>
      finish(() => {
        if (cancelled) reject(cancelledError());
        // The input broke (a repository read failed): that is the error to report, not the tool's exit.
        else if (inputError) reject(inputError);
        else if (timedOut) {
          reject(
            new LifeboatError(
              'DB_UNREACHABLE',
              `The database server did not answer within ${String(options.timeoutMs! / 1000)} s.`,
              {
                details: `${command} ${args.join(' ')}\n${stderr.toString()}`.trim(),
              },
            ),
          );
        } else resolve({ code, signal, stdout, stderr: stderr.toString() });
      }),
    );
    if (options.input !== undefined) {
      feedStdin(child, options.input, options.onInputBytes, (err) => (inputError ??= err));
    }
  });
}

/** Writes text or a stream to the child's stdin; a tool that exits early (EPIPE) is judged by its exit code. */
function feedStdin(
  child: ChildProcess,
  input: string | Readable,
  onBytes: ((total: number) => void) | undefined,
  onInputError: (err: Error) => void,
): void {
  const stdin = child.stdin!;
  stdin.on('error', () => undefined);
  if (typeof input === 'string') {
    stdin.end(input);
    return;
  }
  let total = 0;
  input.on('data', (chunk: Buffer) => {
    total += chunk.length;
    onBytes?.(total);
    if (!stdin.write(chunk)) {
      input.pause();
      stdin.once('drain', () => input.resume());
    }
  });
  input.on('end', () => stdin.end());
  input.on('error', (err) => {
    // A broken source stream must fail the restore: stop the tool so it cannot commit a partial input.
    // Kill first, so the tool never mistakes the closed pipe for a clean end of input (and commits).
    onInputError(err);
    child.kill('SIGTERM');
    stdin.destroy(err);
  });
  child.on('close', () => {
    if (!input.readableEnded) input.destroy();
  });
}

export interface StreamToolOptions {
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Turns a failed exit into the error the stream is destroyed with. */
  failure: (code: number | null, stderr: string) => Error;
  /** Runs once the tool has exited, however it ended (removes temp password files). */
  cleanup?: () => Promise<void>;
}

/**
 * The tool's stdout as a stream that ends only when the tool exited with 0; any other ending destroys
 * it with `failure(...)`. Destroying the stream (or aborting) kills the tool.
 */
export function streamTool(command: string, args: readonly string[], options: StreamToolOptions): Readable {
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  if (options.signal?.aborted) {
    void options.cleanup?.();
    out.destroy(cancelledError());
    return out;
  }
  const child = spawnTool(command, args, options.env, false);
  const stderr = new TailBuffer();
  let cancelled = false;
  child.stderr!.setEncoding('utf8').on('data', (c: string) => stderr.push(c));
  child.stdout!.pipe(out, { end: false });
  const running = () => child.exitCode === null && child.signalCode === null;
  const onAbort = () => {
    cancelled = true;
    if (running()) child.kill('SIGTERM');
    out.destroy(cancelledError());
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let done = false;
  const finish = (err: Error | undefined) => {
    if (done) return;
    done = true;
    options.signal?.removeEventListener('abort', onAbort);
    void (options.cleanup?.() ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        if (err) out.destroy(err);
        else out.end();
      });
  };
  child.on('error', (err: NodeJS.ErrnoException) => finish(spawnFailure(command, err)));
  child.on('close', (code) => {
    if (cancelled) finish(cancelledError());
    else if (code === 0) finish(undefined);
    else finish(options.failure(code, stderr.toString()));
  });
  // The reader gave up (cancel, or an error downstream): stop the dump.
  out.on('close', () => {
    if (running()) child.kill('SIGTERM');
  });
  return out;
}

/** Reads a whole stream into a Buffer (small entries: info.json). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(parts);
}

/** A finished stream over bytes already in memory. */
export function bufferStream(data: Buffer): Readable {
  return Readable.from([data], { objectMode: false });
}
