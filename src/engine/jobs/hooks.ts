import type { DrillRecord, Job, JobRun } from '../../shared/jobs.ts';
import type { DrillReport } from './drill/drill-types.ts';

/** Writes a line to the run's (or drill's) log, which the UI's live log shows too. */
export type HookLog = (level: 'info' | 'warn' | 'error', message: string) => void;

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
  onRunFinished?(run: JobRun, context: { job: Job; log?: HookLog }): void | Promise<void>;
  /**
   * Called once for every restore drill that ended, after the history has it. `report` is null when
   * the drill could not test anything (see the record's error). Errors are logged and ignored.
   */
  onDrillFinished?(
    drill: DrillRecord,
    context: { job: Job; report: DrillReport | null; log?: HookLog },
  ): void | Promise<void>;
}
