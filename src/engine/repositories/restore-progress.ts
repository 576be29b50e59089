/** Restore progress as `progress` events (operation "restore", no job), at most five a second. */
import type { ProgressEvent } from '../../shared/contract.ts';
import type { RestorePlan } from '../repo/restore-plan.ts';
import type { RepositoriesDeps } from './deps.ts';

/** Progress events at most this often (a restore of many small files finishes thousands a second). */
const progressEveryMs = 200;

type Phase = Pick<ProgressEvent, 'phase' | 'filesDone' | 'bytesDone' | 'currentItem'>;

export function progressEmitter(
  deps: RepositoriesDeps,
  plan: RestorePlan,
): (p: Phase, force?: boolean) => void {
  let last = 0;
  let lastPhase = '';
  let phaseStarted = Date.now();
  return (p, force = false) => {
    const now = Date.now();
    if (!force && p.phase === lastPhase && now - last < progressEveryMs) return;
    if (p.phase !== lastPhase) phaseStarted = now; // speed and time left are per phase
    last = now;
    lastPhase = p.phase;
    const seconds = (now - phaseStarted) / 1000;
    const rate = seconds > 0 ? p.bytesDone / seconds : 0;
    deps.emit('progress', {
      jobId: null,
      operation: 'restore',
      ...p,
      filesTotal: plan.files.length,
      bytesTotal: plan.totalBytes,
      etaSeconds: rate > 0 ? Math.max(0, (plan.totalBytes - p.bytesDone) / rate) : null,
      bytesPerSecond: rate > 0 ? rate : null,
    });
  };
}
