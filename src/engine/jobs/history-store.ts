/**
 * Run history: `history/<jobId>.jsonl` under the data folder, append-only, one line per state change
 * of a run (started, finished); the last line of a run id wins. Appending never rewrites what is
 * there, so a crash can at worst leave a torn last line, which is skipped. The history survives
 * restarts and is shared by every host on this computer (re-read when the file changed).
 */
import { hostname as osHostname } from 'node:os';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { jobRunSchema, type JobRun } from '../../shared/jobs.ts';
import { appendLine } from './atomic-file.ts';

interface Cached {
  signature: string;
  runs: JobRun[];
  damagedLines: number;
}

export class HistoryStore {
  readonly dir: string;
  readonly #cache = new Map<string, Cached>();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'history');
  }

  file(jobId: string): string {
    return path.join(this.dir, `${jobId}.jsonl`);
  }

  /** Every run of the job, oldest first (by start time). */
  async runs(jobId: string): Promise<JobRun[]> {
    const file = this.file(jobId);
    const st = await stat(file).catch(() => undefined);
    if (!st) {
      this.#cache.delete(jobId);
      return [];
    }
    const signature = `${st.mtimeMs}:${st.size}:${st.ino}`;
    const cached = this.#cache.get(jobId);
    if (cached?.signature === signature) return cached.runs;
    const byId = new Map<string, JobRun>();
    let damagedLines = 0;
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        damagedLines++;
        continue;
      }
      const parsed = jobRunSchema.safeParse(value);
      if (parsed.success && parsed.data.jobId === jobId) byId.set(parsed.data.runId, parsed.data);
      else damagedLines++;
    }
    const runs = [...byId.values()].sort(
      (a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId),
    );
    this.#cache.set(jobId, { signature, runs, damagedLines });
    return runs;
  }

  /** Lines that could not be read (a torn last line after a crash, hand edits). */
  damagedLines(jobId: string): number {
    return this.#cache.get(jobId)?.damagedLines ?? 0;
  }

  async append(run: JobRun): Promise<void> {
    const line = JSON.stringify(jobRunSchema.parse(run));
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await appendLine(this.file(run.jobId), line);
  }

  async remove(jobId: string): Promise<void> {
    this.#cache.delete(jobId);
    await rm(this.file(jobId), { force: true });
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM'; // exists, but not ours to signal
  }
}

/**
 * A run (or restore drill) recorded as running that nobody is running any more: it was started by another instance
 * of Lifeboat on this computer whose process is gone (crash, kill, power loss, update). Runs of other
 * computers (a shared data folder) and of live processes (the CLI running a job next to the app)
 * are left alone.
 */
export function isOrphaned(
  run: Pick<JobRun, 'instance' | 'hostname' | 'pid'> & { status: string },
  self: { instance: string; hostname?: string; alive?: (pid: number) => boolean },
): boolean {
  if (run.status !== 'running' || run.instance === self.instance) return false;
  if (run.hostname !== (self.hostname ?? osHostname())) return false;
  return !(self.alive ?? processAlive)(run.pid);
}
