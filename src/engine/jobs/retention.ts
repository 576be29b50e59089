/**
 * A job's retention setting as a restic forget policy. Presets are what a small office should pick
 * without thinking: "standard" keeps a year of history at shrinking resolution (grandfather-father-son).
 */
import { LifeboatError } from '../../shared/errors.ts';
import type { Period, Retention } from '../../shared/jobs.ts';
import { isEmptyPolicy, validatePolicy, type ForgetPolicy } from '../repo/forget-policy.ts';

export const retentionPresets: Record<Extract<Retention, { kind: 'preset' }>['preset'], ForgetPolicy> = {
  standard: { keepHourly: 24, keepDaily: 7, keepWeekly: 4, keepMonthly: 12, keepYearly: 3 },
  compact: { keepDaily: 7, keepWeekly: 4 },
  long: { keepHourly: 48, keepDaily: 30, keepWeekly: 12, keepMonthly: 24, keepYearly: -1 },
};

/** The forget policy, or null for "keep everything". */
export function retentionPolicy(retention: Retention): ForgetPolicy | null {
  switch (retention.kind) {
    case 'keep-all':
      return null;
    case 'preset':
      return retentionPresets[retention.preset];
    case 'custom': {
      const { kind: _kind, ...policy } = retention;
      return policy;
    }
  }
}

/** Refuses a custom policy that would keep nothing (restic refuses it too, but only at run time). */
export function validateRetention(retention: Retention): void {
  const policy = retentionPolicy(retention);
  if (!policy) return;
  validatePolicy(policy);
  if (isEmptyPolicy(policy)) {
    throw new LifeboatError('INVALID_ARGUMENT', 'The retention rules keep no snapshot.', {
      hint: 'Set at least one "keep" count, or choose "keep everything".',
    });
  }
}

const dayMs = 24 * 60 * 60 * 1000;
const periodMs: Record<Exclude<Period, 'never'>, number> = {
  daily: dayMs,
  weekly: 7 * dayMs,
  monthly: 30 * dayMs,
};
/** Slack so a weekly prune at the same hour every week is not pushed a week later by a few minutes. */
const slackMs = 2 * 60 * 60 * 1000;

/** Whether maintenance repeating every `period` is due, given when it last succeeded. */
export function isDue(period: Period, lastDoneAt: Date | null, now: Date): boolean {
  if (period === 'never') return false;
  if (!lastDoneAt) return true;
  return now.getTime() - lastDoneAt.getTime() >= periodMs[period] - slackMs;
}
