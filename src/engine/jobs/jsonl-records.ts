/**
 * Append-only records keyed by run id, one file per job under `history/` (`<jobId><suffix>`): one line
 * per state change, the last line of a run id wins, a torn last line after a crash is skipped and
 * counted. Appending never rewrites what is there. Reads are cached by the file's stat signature, so
 * every host on this computer sees the others' appends without re-parsing unchanged files.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { appendLine } from './atomic-file.ts';

interface RunRecord {
  jobId: string;
  runId: string;
  startedAt: string;
}

interface Cached<T> {
  signature: string;
  records: T[];
  damagedLines: number;
}

export class JsonlRecords<T extends RunRecord> {
  readonly dir: string;
  readonly #suffix: string;
  readonly #schema: z.ZodType<T>;
  readonly #cache = new Map<string, Cached<T>>();

  constructor(dataDir: string, suffix: string, schema: z.ZodType<T>) {
    this.dir = path.join(dataDir, 'history');
    this.#suffix = suffix;
    this.#schema = schema;
  }

  file(jobId: string): string {
    return path.join(this.dir, `${jobId}${this.#suffix}`);
  }

  /** Every record of the job, oldest first (by start time, then run id). */
  async read(jobId: string): Promise<T[]> {
    const file = this.file(jobId);
    const st = await stat(file).catch(() => undefined);
    if (!st) {
      this.#cache.delete(jobId);
      return [];
    }
    const signature = `${st.mtimeMs}:${st.size}:${st.ino}`;
    const cached = this.#cache.get(jobId);
    if (cached?.signature === signature) return cached.records;
    const byId = new Map<string, T>();
    let damagedLines = 0;
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      const parsed = this.#schema.safeParse(parseJson(line));
      if (parsed.success && parsed.data.jobId === jobId) byId.set(parsed.data.runId, parsed.data);
      else damagedLines++;
    }
    const records = [...byId.values()].sort(
      (a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId),
    );
    this.#cache.set(jobId, { signature, records, damagedLines });
    return records;
  }

  /** Lines that could not be read at the last read (a torn last line after a crash, hand edits). */
  damagedLines(jobId: string): number {
    return this.#cache.get(jobId)?.damagedLines ?? 0;
  }

  async append(record: T): Promise<void> {
    const line = JSON.stringify(this.#schema.parse(record));
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await appendLine(this.file(record.jobId), line);
  }

  async remove(jobId: string): Promise<void> {
    this.#cache.delete(jobId);
    await rm(this.file(jobId), { force: true });
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
