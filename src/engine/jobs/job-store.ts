/**
 * Job definitions in `jobs.json` under the data folder.
 *
 * Why not the settings store (conf): jobs are a list of validated records that the CLI, the headless
 * host and the desktop app may change while another of them runs the scheduler, so the store
 * re-reads the file when it changed on disk; a damaged file must be set aside and reported instead
 * of crashing the app or being silently reset (conf either throws or clears it); and history and run
 * state stay out of it (they are append-only files of their own). Writes are atomic (temp + rename)
 * and happen under `jobs.json.lock` after re-reading the file, so two processes changing jobs at the
 * same time (the app pauses a job while `lifeboat job edit` renames another) keep both changes.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { LifeboatError } from '../../shared/errors.ts';
import { jobSchema, type Job } from '../../shared/jobs.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { withFileLock } from './file-lock.ts';
import { validateRetention } from './retention.ts';
import { validateSchedule } from './schedule.ts';

export const jobsFileName = 'jobs.json';
const envelopeSchema = z.object({ version: z.literal(1), jobs: z.array(z.unknown()) });

export interface StoreProblem {
  /** Where the damaged content was kept. */
  keptAt: string;
  message: string;
  time: string;
}

/** Checks beyond the schema: the schedule evaluates and the retention keeps something. */
export function validateJob(job: Job): void {
  validateSchedule(job.schedule);
  validateRetention(job.retention);
  const ids = [job.destination.repositoryId, job.copyTo?.repositoryId].filter(Boolean);
  if (new Set(ids).size !== ids.length) {
    throw new LifeboatError('INVALID_ARGUMENT', 'The copy must go to another repository than the backup.');
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(job)'}: ${i.message}`).join('; ');
}

const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');

export class JobStore {
  readonly file: string;
  readonly #problems: StoreProblem[] = [];
  #jobs: Job[] = [];
  #seen: string | undefined; // mtime+size of the file we last read
  #writing: Promise<unknown> = Promise.resolve();
  #refreshing: Promise<void> | undefined;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, jobsFileName);
  }

  /** Damaged files or entries found so far (each kept aside, never deleted). */
  get problems(): readonly StoreProblem[] {
    return this.#problems;
  }

  async list(): Promise<Job[]> {
    await this.#refresh();
    return this.#jobs.map((j) => structuredClone(j));
  }

  async get(id: string): Promise<Job | undefined> {
    return (await this.list()).find((j) => j.id === id);
  }

  /** Creates or replaces the job with this id. */
  async put(job: Job): Promise<Job> {
    const parsed = jobSchema.parse(job);
    validateJob(parsed);
    return this.#mutate((jobs) => {
      const i = jobs.findIndex((j) => j.id === parsed.id);
      if (i === -1) jobs.push(parsed);
      else jobs[i] = parsed;
      return parsed;
    });
  }

  /**
   * Changes one job from its newest copy on disk (under the lock), so a change to one field (pausing)
   * does not undo another process's change to other fields made since this one last read the job.
   */
  async update(id: string, change: (job: Job) => Job): Promise<Job | undefined> {
    return this.#mutate((jobs) => {
      const i = jobs.findIndex((j) => j.id === id);
      if (i === -1) return undefined;
      const parsed = jobSchema.parse(change(structuredClone(jobs[i]!)));
      validateJob(parsed);
      jobs[i] = parsed;
      return parsed;
    });
  }

  async remove(id: string): Promise<boolean> {
    return this.#mutate((jobs) => {
      const i = jobs.findIndex((j) => j.id === id);
      if (i === -1) return false;
      jobs.splice(i, 1);
      return true;
    });
  }

  /**
   * Read-modify-write, one at a time in this process and, through the lock file, across processes;
   * always from the file as it is on disk now (read again in full: a same-size rewrite within the
   * same millisecond could reuse the inode and fool the change check).
   */
  #mutate<T>(change: (jobs: Job[]) => T): Promise<T> {
    const next = this.#writing.then(() =>
      withFileLock(`${this.file}.lock`, async () => {
        await this.#refresh(true);
        const jobs = structuredClone(this.#jobs);
        const result = change(jobs);
        if (result !== undefined && result !== false) await this.#write(jobs);
        return result;
      }),
    );
    this.#writing = next.catch(() => undefined);
    return next;
  }

  async #write(jobs: Job[]): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify({ version: 1, jobs }, null, 2) + '\n');
    this.#jobs = jobs;
    this.#seen = await this.#signature();
  }

  async #signature(): Promise<string | undefined> {
    const st = await stat(this.file).catch(() => undefined);
    return st ? `${st.mtimeMs}:${st.size}:${st.ino}` : undefined;
  }

  /** Single flight: two readers must not both move a damaged file aside. `full` ignores the change check. */
  async #refresh(full = false): Promise<void> {
    if (full) {
      while (this.#refreshing) await this.#refreshing;
      this.#seen = 'unknown'; // never equal to a signature, not even "no file"
    }
    this.#refreshing ??= this.#reload().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #reload(): Promise<void> {
    const signature = await this.#signature();
    if (signature === this.#seen) return;
    this.#seen = signature;
    if (signature === undefined) {
      this.#jobs = [];
      return;
    }
    const text = await readFile(this.file, 'utf8');
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      envelope = envelopeSchema.parse(JSON.parse(text));
    } catch (err) {
      const keptAt = `${this.file}.damaged-${stamp()}`;
      await rename(this.file, keptAt);
      this.#seen = undefined;
      this.#jobs = [];
      this.#report(
        keptAt,
        `The jobs file could not be read (${err instanceof Error ? err.message.split('\n')[0] : String(err)}).`,
      );
      return;
    }
    const good: Job[] = [];
    const bad: { entry: unknown; reason: string }[] = [];
    for (const entry of envelope.jobs) {
      const parsed = jobSchema.safeParse(entry);
      if (!parsed.success) {
        bad.push({ entry, reason: describeIssues(parsed.error) });
        continue;
      }
      try {
        validateJob(parsed.data);
        good.push(parsed.data);
      } catch (err) {
        bad.push({ entry, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    this.#jobs = good;
    if (bad.length > 0) {
      // Keep the rejected entries next to the file, then drop them so a later save cannot lose them silently.
      const keptAt = `${this.file}.rejected-${stamp()}-${randomBytes(2).toString('hex')}.json`;
      await writeFileAtomic(keptAt, JSON.stringify(bad, null, 2) + '\n');
      await this.#write(good);
      this.#report(
        keptAt,
        `${bad.length} job(s) in the jobs file were not valid and were set aside: ${bad.map((b) => b.reason).join(' | ')}`,
      );
    }
  }

  #report(keptAt: string, message: string): void {
    this.#problems.push({ keptAt, message, time: new Date().toISOString() });
  }
}
