import { describe, expect, it } from 'vitest';
import type { Job, JobRun, Schedule } from '../../../src/shared/jobs.ts';
import {
  catchUpSkipMs,
  cronPattern,
  nextRunAt,
  validateSchedule,
} from '../../../src/engine/jobs/schedule.ts';
import { planJob } from '../../../src/engine/jobs/plan.ts';
import { jobDefaults } from '../../../src/engine/jobs/job-draft.ts';

const t = (iso: string): Date => new Date(iso);
const minute = 60_000;
const hour = 60 * minute;

/**
 * A fake scheduler: ticks every 30 s from `from` to `to`, starts a run whenever the plan says it is
 * due (runs take `runMs`), and returns the run start times. Sleep gaps skip ticks entirely.
 */
function simulate(
  schedule: Schedule,
  from: string,
  to: string,
  opts: { last?: string; asleep?: [string, string][]; runMs?: number } = {},
): string[] {
  const runs: string[] = [];
  let last: Date | null = opts.last ? t(opts.last) : t(from);
  let busyUntil = 0;
  for (let now = t(from).getTime(); now <= t(to).getTime(); now += 30_000) {
    if (opts.asleep?.some(([a, b]) => now >= t(a).getTime() && now < t(b).getTime())) continue;
    if (now < busyUntil) continue; // no overlap: a running job is not started again
    const plan = nextRunAt(schedule, last, new Date(now));
    if (plan && plan.at.getTime() <= now) {
      runs.push(new Date(now).toISOString());
      last = new Date(now);
      busyUntil = now + (opts.runMs ?? minute);
    }
  }
  return runs;
}

describe('schedule math', () => {
  it('turns schedules into cron patterns (ISO weekdays, Sunday = 7)', () => {
    expect(cronPattern({ kind: 'daily', at: '02:30' })).toBe('30 2 * * *');
    expect(cronPattern({ kind: 'weekly', days: [1, 4, 7], at: '21:05' })).toBe('5 21 * * 0,1,4');
    expect(cronPattern({ kind: 'cron', expression: ' 0 */6 * * * ' })).toBe('0 */6 * * *');
  });

  it("daily: the next slot, in the schedule's zone", () => {
    const s: Schedule = { kind: 'daily', at: '02:30', timezone: 'Europe/Moscow' };
    expect(nextRunAt(s, t('2026-05-03T23:40:00Z'), t('2026-05-03T23:45:00Z'))).toEqual({
      at: t('2026-05-04T23:30:00Z'),
      catchUp: false,
      slot: t('2026-05-04T23:30:00Z'),
    });
    // with no reference at all: just the next slot
    expect(nextRunAt(s, null, t('2026-05-04T12:00:00Z'))?.at).toEqual(t('2026-05-04T23:30:00Z'));
  });

  it('daily: a slot reached on a tick is due now, not a catch-up', () => {
    const s: Schedule = { kind: 'daily', at: '02:30', timezone: 'UTC' };
    const plan = nextRunAt(s, t('2026-05-03T02:30:10Z'), t('2026-05-04T02:30:20Z'));
    expect(plan).toEqual({ at: t('2026-05-04T02:30:00Z'), catchUp: false, slot: t('2026-05-04T02:30:00Z') });
  });

  it('hourly: every N hours on whole hours, counted from the last run', () => {
    const s: Schedule = { kind: 'hourly', every: 4 };
    expect(nextRunAt(s, t('2026-05-04T10:17:00Z'), t('2026-05-04T10:18:00Z'))?.at).toEqual(
      t('2026-05-04T14:00:00Z'),
    );
    expect(
      simulate(s, '2026-05-04T00:00:00Z', '2026-05-04T23:59:00Z', { last: '2026-05-03T23:00:00Z' }),
    ).toEqual([
      '2026-05-04T03:00:00.000Z',
      '2026-05-04T07:00:00.000Z',
      '2026-05-04T11:00:00.000Z',
      '2026-05-04T15:00:00.000Z',
      '2026-05-04T19:00:00.000Z',
      '2026-05-04T23:00:00.000Z',
    ]);
  });

  it('weekly: on the chosen days only', () => {
    const s: Schedule = { kind: 'weekly', days: [1, 4], at: '09:30', timezone: 'Europe/Moscow' };
    // 2026-05-04 is a Monday
    expect(simulate(s, '2026-05-04T00:00:00Z', '2026-05-17T23:59:00Z')).toEqual([
      '2026-05-04T06:30:00.000Z',
      '2026-05-07T06:30:00.000Z',
      '2026-05-11T06:30:00.000Z',
      '2026-05-14T06:30:00.000Z',
    ]);
  });

  it('cron: a frequent job is never skipped as "missed" because a tick came a few seconds late', () => {
    const s: Schedule = { kind: 'cron', expression: '*/15 * * * *', timezone: 'UTC' };
    // ticks at :10 and :40 past each minute, so every slot is seen 10 s late
    const runs = simulate(s, '2026-05-04T00:00:10Z', '2026-05-04T02:00:30Z');
    expect(runs.map((r) => r.slice(11, 19))).toEqual([
      '00:15:10',
      '00:30:10',
      '00:45:10',
      '01:00:10',
      '01:15:10',
      '01:30:10',
      '01:45:10',
      '02:00:10',
    ]);
  });

  it('rejects patterns that cannot run', () => {
    expect(() => validateSchedule({ kind: 'cron', expression: 'every day at two' })).toThrow(/not valid/);
    expect(() => validateSchedule({ kind: 'cron', expression: '0 0 31 2 *' })).toThrow();
    expect(() => validateSchedule({ kind: 'daily', at: '02:00', timezone: 'Mars/Olympus' })).toThrow();
    expect(() =>
      validateSchedule({ kind: 'cron', expression: '30 2 * * 1-5', timezone: 'Europe/Moscow' }),
    ).not.toThrow();
  });

  it('manual schedules never run by themselves', () => {
    expect(nextRunAt({ kind: 'manual' }, t('2020-01-01T00:00:00Z'), t('2026-05-04T00:00:00Z'))).toBeNull();
  });
});

describe('catch-up of missed runs (KopiaUI rule)', () => {
  const daily: Schedule = { kind: 'daily', at: '02:00', timezone: 'UTC' };

  it('a 3-day sleep gap gives exactly one catch-up run, soon after waking', () => {
    const runs = simulate(daily, '2026-05-01T00:00:00Z', '2026-05-06T12:00:00Z', {
      asleep: [['2026-05-01T20:00:00Z', '2026-05-04T10:00:00Z']],
    });
    expect(runs).toEqual([
      '2026-05-01T02:00:00.000Z',
      '2026-05-04T10:00:00.000Z', // the catch-up, once, for the three missed nights
      '2026-05-05T02:00:00.000Z',
      '2026-05-06T02:00:00.000Z',
    ]);
  });

  it('reports the catch-up and the slot it stands for', () => {
    const plan = nextRunAt(daily, t('2026-05-01T02:00:00Z'), t('2026-05-04T10:00:00Z'));
    expect(plan).toEqual({ at: t('2026-05-04T10:00:00Z'), catchUp: true, slot: t('2026-05-04T02:00:00Z') });
  });

  it('no catch-up when the next regular slot is within 30 minutes', () => {
    const now = t('2026-05-04T01:40:00Z');
    const plan = nextRunAt(daily, t('2026-05-02T02:00:00Z'), now);
    expect(plan).toEqual({ at: t('2026-05-04T02:00:00Z'), catchUp: false, slot: t('2026-05-04T02:00:00Z') });
    // 31 minutes before the slot it does catch up
    const earlier = t(new Date(t('2026-05-04T02:00:00Z').getTime() - catchUpSkipMs - minute).toISOString());
    expect(nextRunAt(daily, t('2026-05-02T02:00:00Z'), earlier)?.catchUp).toBe(true);
  });

  it('hourly: a wake-up 10 minutes before the next slot waits for it instead of running twice', () => {
    const s: Schedule = { kind: 'hourly', every: 1 };
    expect(nextRunAt(s, t('2026-05-04T01:00:00Z'), t('2026-05-04T02:50:00Z'))).toEqual({
      at: t('2026-05-04T03:00:00Z'),
      catchUp: false,
      slot: t('2026-05-04T03:00:00Z'),
    });
  });

  it('no overlap: a run longer than the interval is not started again while it runs, and no burst follows', () => {
    const s: Schedule = { kind: 'hourly', every: 1 };
    // 150-minute runs: the slots missed meanwhile collapse into the next slot (due within 30 min)
    const runs = simulate(s, '2026-05-04T00:00:00Z', '2026-05-04T07:00:00Z', {
      last: '2026-05-03T23:00:00Z',
      runMs: 150 * minute,
    });
    expect(runs).toEqual([
      '2026-05-04T00:00:00.000Z',
      '2026-05-04T03:00:00.000Z',
      '2026-05-04T06:00:00.000Z',
    ]);
    // 100-minute runs on a 3-hourly job: the slot missed while running is made up once, right after
    const three: Schedule = { kind: 'hourly', every: 3 };
    const made = simulate(three, '2026-05-04T00:00:00Z', '2026-05-04T09:00:00Z', {
      last: '2026-05-03T23:00:00Z',
      runMs: 200 * minute,
    });
    expect(made).toEqual([
      '2026-05-04T02:00:00.000Z',
      '2026-05-04T05:20:00.000Z',
      '2026-05-04T08:40:00.000Z',
    ]);
  });

  it('a clock set back does not stall the job', () => {
    const plan = nextRunAt(daily, t('2026-06-01T02:00:00Z'), t('2026-05-04T10:00:00Z'));
    expect(plan?.at).toEqual(t('2026-05-05T02:00:00Z'));
  });
});

describe('daylight saving time', () => {
  const count = (runs: string[], day: string): number => runs.filter((r) => r.startsWith(day)).length;

  it('Europe/Berlin spring forward: a daily 02:30 job runs once, at 03:00 local', () => {
    const s: Schedule = { kind: 'daily', at: '02:30', timezone: 'Europe/Berlin' };
    const runs = simulate(s, '2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z');
    expect(runs).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('Europe/Berlin fall back: 02:30 happens twice on the wall clock, the job runs once', () => {
    const s: Schedule = { kind: 'daily', at: '02:30', timezone: 'Europe/Berlin' };
    const runs = simulate(s, '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z');
    expect(runs).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('America/New_York: once on both change days', () => {
    const s: Schedule = { kind: 'daily', at: '02:30', timezone: 'America/New_York' };
    const spring = simulate(s, '2026-03-07T12:00:00Z', '2026-03-10T12:00:00Z');
    expect(count(spring, '2026-03-08')).toBe(1);
    expect(spring).toContain('2026-03-08T07:00:00.000Z'); // 03:00 EDT, the first valid time after the gap
    const fall = simulate({ ...s, at: '01:30' }, '2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z');
    expect(fall).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('every N hours keeps real hours across a DST change', () => {
    const s: Schedule = { kind: 'hourly', every: 6, timezone: 'Europe/Berlin' };
    const runs = simulate(s, '2026-10-24T22:00:00Z', '2026-10-25T12:00:00Z', {
      last: '2026-10-24T21:00:00Z',
    });
    expect(runs).toEqual(['2026-10-25T03:00:00.000Z', '2026-10-25T09:00:00.000Z']);
  });
});

describe('planning a job from its history', () => {
  const job: Job = {
    ...jobDefaults,
    id: 'abc123',
    name: 'CRM',
    sources: [{ kind: 'folder', path: '/srv/crm', excludes: [] }],
    destination: { location: { kind: 'local', path: '/backup' }, repositoryId: 'a'.repeat(64) },
    copyTo: null,
    schedule: { kind: 'daily', at: '02:00', timezone: 'UTC' },
    createdAt: '2026-05-01T10:00:00.000Z',
    updatedAt: '2026-05-01T10:00:00.000Z',
  };
  const run = (over: Partial<JobRun>): JobRun => ({
    runId: '20260502T020000Z-aaaaaa',
    jobId: job.id,
    trigger: 'schedule',
    status: 'ok',
    scheduledFor: '2026-05-02T02:00:00.000Z',
    startedAt: '2026-05-02T02:00:05.000Z',
    finishedAt: '2026-05-02T02:10:00.000Z',
    hostname: 'pc',
    pid: 1,
    instance: 'x',
    snapshotId: null,
    forgotten: [],
    stats: null,
    steps: {},
    readDataPart: null,
    attempts: 1,
    error: null,
    ...over,
  });

  it('a new job counts from its creation: a slot missed since then is caught up', () => {
    expect(planJob(job, [], t('2026-05-01T12:00:00Z'))?.at).toEqual(t('2026-05-02T02:00:00Z'));
    expect(planJob(job, [], t('2026-05-02T12:00:00Z'))).toMatchObject({
      trigger: 'catch-up',
      at: t('2026-05-02T12:00:00Z'),
    });
  });

  it('a paused job has no next run', () => {
    expect(planJob({ ...job, enabled: false }, [], t('2026-05-02T12:00:00Z'))).toBeNull();
  });

  it('manual runs do not move the schedule', () => {
    const manual = run({ trigger: 'manual', startedAt: '2026-05-02T01:55:00.000Z', scheduledFor: null });
    expect(planJob(job, [manual], t('2026-05-02T02:00:10Z'))).toMatchObject({
      trigger: 'schedule',
      at: t('2026-05-02T02:00:00Z'),
    });
  });

  it('an interrupted run is redone at once', () => {
    const interrupted = run({ status: 'interrupted', finishedAt: '2026-05-02T08:00:00.000Z' });
    expect(planJob(job, [interrupted], t('2026-05-02T08:00:30Z'))).toMatchObject({
      trigger: 'retry',
      at: t('2026-05-02T08:00:00Z'),
    });
  });

  it('a transient failure is retried after 30 min, then 1 h, never past the next slot; a wrong password is not', () => {
    const failed = (startedAt: string, finishedAt: string) =>
      run({ status: 'failed', startedAt, finishedAt, error: { code: 'NETWORK', message: 'offline' } });
    const one = [failed('2026-05-02T02:00:05.000Z', '2026-05-02T02:05:00.000Z')];
    expect(planJob(job, one, t('2026-05-02T02:06:00Z'))).toMatchObject({
      trigger: 'retry',
      at: t('2026-05-02T02:35:00Z'),
    });
    const two = [
      ...one,
      {
        ...failed('2026-05-02T02:35:05.000Z', '2026-05-02T02:40:00.000Z'),
        runId: '20260502T023505Z-bbbbbb',
        trigger: 'retry' as const,
      },
    ];
    expect(planJob(job, two, t('2026-05-02T02:41:00Z'))?.at).toEqual(t('2026-05-02T03:40:00Z'));
    const late = [failed('2026-05-02T01:58:00.000Z', '2026-05-02T01:59:00.000Z')];
    expect(planJob(job, late, t('2026-05-02T01:59:30Z'))).toMatchObject({
      trigger: 'schedule',
      at: t('2026-05-02T02:00:00Z'),
    });
    const wrong = [run({ status: 'failed', error: { code: 'WRONG_PASSWORD', message: 'no' } })];
    expect(planJob(job, wrong, t('2026-05-02T03:00:00Z'))).toMatchObject({
      trigger: 'schedule',
      at: t('2026-05-03T02:00:00Z'),
    });
  });

  it('one run per day over a week with the app running', () => {
    const runs: JobRun[] = [];
    for (
      let now = t('2026-05-02T00:00:00Z').getTime();
      now < t('2026-05-09T00:00:00Z').getTime();
      now += 30_000
    ) {
      const plan = planJob(job, runs, new Date(now));
      if (plan && plan.at.getTime() <= now) {
        const at = new Date(now).toISOString();
        runs.push(
          run({
            runId: `${at.slice(0, 10).replace(/-/g, '')}T000000Z-${String(runs.length).padStart(6, '0')}`,
            startedAt: at,
            finishedAt: new Date(now + hour).toISOString(),
            trigger: plan.trigger,
          }),
        );
      }
    }
    expect(runs.map((r) => r.startedAt.slice(0, 13))).toEqual(
      ['02', '03', '04', '05', '06', '07', '08'].map((d) => `2026-05-${d}T02`),
    );
  });
});
