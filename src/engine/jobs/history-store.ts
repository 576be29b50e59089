/**
 * Run history: `history/<jobId>.jsonl` under the data folder, one line per state change of a run
 * (started, finished), kept by jsonl-records.ts; and how to tell a run that nobody runs any more.
 */
import { hostname as osHostname } from 'node:os';
import { jobRunSchema, type JobRun } from '../../shared/jobs.ts';
import { JsonlRecords } from './jsonl-records.ts';

export class HistoryStore extends JsonlRecords<JobRun> {
  constructor(dataDir: string) {
    super(dataDir, '.jsonl', jobRunSchema);
  }

  /** Every run of the job, oldest first (by start time). */
  runs(jobId: string): Promise<JobRun[]> {
    return this.read(jobId);
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
