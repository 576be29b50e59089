/**
 * Restore-drill history: `history/<jobId>.drills.jsonl` under the data folder, next to the job's run
 * history and kept the same way (append-only, one line per state change, the last line of a run id
 * wins, a torn last line is skipped). Kept apart from the runs so the run history's readers (the
 * schedule, retries, the read-data rotation) never see drills.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { drillRecordSchema, type DrillRecord } from '../../shared/jobs.ts';
import { appendLine } from './atomic-file.ts';

export class DrillHistoryStore {
  readonly dir: string;
  readonly #cache = new Map<string, { signature: string; drills: DrillRecord[] }>();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'history');
  }

  file(jobId: string): string {
    return path.join(this.dir, `${jobId}.drills.jsonl`);
  }

  /** Every drill of the job, oldest first. */
  async drills(jobId: string): Promise<DrillRecord[]> {
    const file = this.file(jobId);
    const st = await stat(file).catch(() => undefined);
    if (!st) {
      this.#cache.delete(jobId);
      return [];
    }
    const signature = `${st.mtimeMs}:${st.size}:${st.ino}`;
    const cached = this.#cache.get(jobId);
    if (cached?.signature === signature) return cached.drills;
    const byId = new Map<string, DrillRecord>();
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = drillRecordSchema.safeParse(JSON.parse(line));
        if (parsed.success && parsed.data.jobId === jobId) byId.set(parsed.data.runId, parsed.data);
      } catch {
        // torn last line after a crash
      }
    }
    const drills = [...byId.values()].sort(
      (a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId),
    );
    this.#cache.set(jobId, { signature, drills });
    return drills;
  }

  async append(record: DrillRecord): Promise<void> {
    const line = JSON.stringify(drillRecordSchema.parse(record));
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await appendLine(this.file(record.jobId), line);
  }

  async remove(jobId: string): Promise<void> {
    this.#cache.delete(jobId);
    await rm(this.file(jobId), { force: true });
  }
}
