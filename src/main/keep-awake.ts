import { powerSaveBlocker } from 'electron';
import type { JobSummary } from '../shared/contract.ts';

export interface RunningJobs {
  jobs(): Pick<JobSummary, 'status'>[];
  onChange(listener: () => void): () => void;
}

type Blocker = Pick<typeof powerSaveBlocker, 'start' | 'stop'>;

/**
 * Keeps the computer from going to sleep while any backup runs, and lets it sleep again once none
 * does. 'prevent-app-suspension' keeps the system awake but lets the display turn off: nobody needs
 * to watch a backup. Returns the function that stops watching (and lifts the block).
 */
export function keepAwakeWhileRunning(jobs: RunningJobs, blocker: Blocker = powerSaveBlocker): () => void {
  let id: number | undefined;
  const update = (): void => {
    const running = jobs.jobs().some((job) => job.status === 'running');
    if (running && id === undefined) {
      id = blocker.start('prevent-app-suspension');
    } else if (!running && id !== undefined) {
      blocker.stop(id);
      id = undefined;
    }
  };
  const unsubscribe = jobs.onChange(update);
  update();
  return () => {
    unsubscribe();
    if (id !== undefined) blocker.stop(id);
    id = undefined;
  };
}
