/**
 * One log per run: `logs/<jobId>/<runId>.log` under the data folder, JSON lines of
 * { time, level, message }. What a support person needs to see what happened (steps, warnings about
 * files, errors with details). Never secrets: nothing here ever receives a password or a token.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { runLogLineSchema, type RunLogLine } from '../../shared/jobs.ts';

export type LogLevel = RunLogLine['level'];

export function runLogFile(dataDir: string, jobId: string, runId: string): string {
  return path.join(dataDir, 'logs', jobId, `${runId}.log`);
}

export class RunLog {
  readonly file: string;
  readonly #stream: WriteStream;
  readonly #listener: ((line: RunLogLine) => void) | undefined;

  private constructor(file: string, stream: WriteStream, listener?: (line: RunLogLine) => void) {
    this.file = file;
    this.#stream = stream;
    this.#listener = listener;
  }

  static async open(
    dataDir: string,
    jobId: string,
    runId: string,
    listener?: (line: RunLogLine) => void,
  ): Promise<RunLog> {
    const file = runLogFile(dataDir, jobId, runId);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
    stream.on('error', () => undefined); // a full disk must not crash the run over its log
    return new RunLog(file, stream, listener);
  }

  write(level: LogLevel, message: string): void {
    const line: RunLogLine = { time: new Date().toISOString(), level, message };
    this.#stream.write(JSON.stringify(line) + '\n');
    try {
      this.#listener?.(line);
    } catch {
      // a failing listener must not break the run
    }
  }

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string): void {
    this.write('error', message);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#stream.end(() => resolve()));
  }
}

/** The last `max` lines of a run's log; an unknown run has an empty log. */
export async function readRunLog(
  dataDir: string,
  jobId: string,
  runId: string,
  max = 5000,
): Promise<{ lines: RunLogLine[]; truncated: boolean }> {
  const text = await readFile(runLogFile(dataDir, jobId, runId), 'utf8').catch(() => '');
  const lines: RunLogLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const parsed = runLogLineSchema.safeParse(JSON.parse(raw));
      if (parsed.success) lines.push(parsed.data);
    } catch {
      // torn last line after a crash
    }
  }
  return lines.length > max ? { lines: lines.slice(-max), truncated: true } : { lines, truncated: false };
}

export async function removeRunLogs(dataDir: string, jobId: string): Promise<void> {
  await rm(path.join(dataDir, 'logs', jobId), { recursive: true, force: true });
}
