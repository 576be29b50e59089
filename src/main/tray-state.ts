/**
 * What the tray shows, as pure functions of the job summaries (tested directly, no Electron): one of
 * four icons and a tooltip in words, because a coloured dot alone means nothing to a screen reader
 * or to someone who does not know the colours.
 */
import type { JobSummary, ProgressEvent } from '../shared/contract.ts';
import { textsFor, type Language } from './texts.ts';

export const trayStates = ['ok', 'running', 'warning', 'error'] as const;
export type TrayState = (typeof trayStates)[number];

type Status = Pick<JobSummary, 'status'>;

/** The worst news wins: a failure must not hide behind a run in progress or another job's success. */
export function trayState(jobs: readonly Status[]): TrayState {
  if (jobs.some((job) => job.status === 'failed')) return 'error';
  if (jobs.some((job) => job.status === 'warning')) return 'warning';
  if (jobs.some((job) => job.status === 'running')) return 'running';
  return 'ok';
}

/**
 * How far a run is, in whole percent, or null when the total is not known yet (still scanning).
 * Bytes when known (large files dominate the time), files otherwise. Floored, so 100% means done.
 */
export function progressPercent(progress: ProgressEvent): number | null {
  const fraction =
    progress.bytesTotal !== null && progress.bytesTotal > 0
      ? progress.bytesDone / progress.bytesTotal
      : progress.filesTotal !== null && progress.filesTotal > 0
        ? progress.filesDone / progress.filesTotal
        : null;
  if (fraction === null || !Number.isFinite(fraction)) return null;
  return Math.max(0, Math.min(100, Math.floor(fraction * 100)));
}

export function trayTooltip(
  jobs: readonly Pick<JobSummary, 'id' | 'status'>[],
  percents: ReadonlyMap<string, number>,
  language: Language,
): string {
  const t = textsFor(language);
  const count = (status: JobSummary['status']): number => jobs.filter((job) => job.status === status).length;
  if (jobs.length === 0) return t.trayNoJobs;
  switch (trayState(jobs)) {
    case 'error':
      return t.trayFailed(count('failed'));
    case 'warning':
      return t.trayWarning(count('warning'));
    case 'running': {
      const running = jobs.filter((job) => job.status === 'running');
      if (running.length > 1) return t.trayRunningMany(running.length);
      return t.trayRunning(percents.get(running[0]?.id ?? '') ?? null);
    }
    case 'ok':
      return jobs.every((job) => job.status === 'paused') ? t.trayPaused : t.trayAllOk;
  }
}
