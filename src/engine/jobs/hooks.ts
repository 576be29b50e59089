import type { Job, JobRun } from '../../shared/jobs.ts';

/**
 * What other modules plug into the job runner. Notifications (src/engine/jobs/notify) and restore
 * drills (src/engine/jobs/drill) implement it; the runner knows nothing about e-mail or drills.
 */
export interface RunHooks {
  /**
   * Called once for every run that ended, whatever its status (ok, warning, failed, cancelled,
   * interrupted), after the history has it. Errors thrown here are written to the run's log and
   * otherwise ignored: a broken mail server must not fail a backup.
   */
  onRunFinished?(run: JobRun, context: { job: Job }): void | Promise<void>;
}
