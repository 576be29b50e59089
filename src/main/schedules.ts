import { powerMonitor } from 'electron';
import type { Service } from '../engine/service.ts';
import { log } from './log.ts';

type SchedulerService = Pick<Service, 'startScheduler' | 'resumeScheduler' | 'stopScheduler'>;
type PowerEvents = Pick<typeof powerMonitor, 'on' | 'removeListener'>;

export interface Schedules {
  /** Stops the scheduler (before the Service closes) and stops listening to the OS. */
  stop(): Promise<void>;
}

/** Starts the Service's scheduler; call once the app is ready (powerMonitor needs that). */
export function runSchedules(service: SchedulerService, monitor: PowerEvents = powerMonitor): Schedules {
  service.startScheduler();
  // The computer woke up or was unlocked (unlock-screen: Windows and macOS). The scheduler would
  // notice within its tick anyway; being told lets a backup missed during sleep start at once.
  const wake = (): void => {
    service.resumeScheduler().catch((err: unknown) => log.warn('The scheduler could not catch up:', err));
  };
  monitor.on('resume', wake);
  monitor.on('unlock-screen', wake);
  return {
    async stop() {
      monitor.removeListener('resume', wake);
      monitor.removeListener('unlock-screen', wake);
      await service.stopScheduler();
    },
  };
}
