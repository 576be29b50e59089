/**
 * Schedule math, pure: given a schedule, when the job last ran and the time now, when should it run
 * next? No timers and no I/O here, so every rule is unit-tested under a fake clock.
 *
 * The model is KopiaUI's (snapshot/policy/scheduling_policy.go): we persist when a job last ran and
 * recompute the next run on every scheduler tick, instead of arming long timers that a sleeping
 * laptop silently skips. A slot missed while the computer slept or Lifeboat was closed runs once,
 * soon after start or resume (never one run per missed slot), unless the next regular slot is within
 * 30 minutes anyway. Wall-clock schedules (daily, weekly, cron) go through croner, whose "fixed-time"
 * rule handles DST: a 02:30 job runs once at 03:00 on the spring-forward day and once on the
 * fall-back day.
 */
import { Cron } from 'croner';
import { LifeboatError } from '../../shared/errors.ts';
import type { Schedule } from '../../shared/jobs.ts';

/** KopiaUI's rule: a missed slot is not caught up when the next regular one is this close. */
export const catchUpSkipMs = 30 * 60 * 1000;
/**
 * A slot this recent is "on time", not missed: the scheduler ticks every ≤30 s, and a job may wait a
 * little for its repository. Without it a frequent cron job would skip its own slots as "missed".
 */
export const onTimeGraceMs = 5 * 60 * 1000;

const hourMs = 60 * 60 * 1000;

export interface PlannedRun {
  /** When to start; at or before `now` means "due now". */
  at: Date;
  /** A missed slot being made up for, and which one (the latest missed). */
  catchUp: boolean;
  /** The regular slot this run stands for (equals `at` unless it is a catch-up). */
  slot: Date;
}

/** Slots of a schedule around a reference time. */
interface Slots {
  /** First slot strictly after `t`. */
  after(t: Date): Date | null;
  /** Last slot at or before `t` (and after `floor`, the previous run). */
  atOrBefore(t: Date): Date | null;
}

/** The croner pattern of a wall-clock schedule. ISO weekdays (Sunday = 7) become cron's (Sunday = 0). */
export function cronPattern(schedule: Exclude<Schedule, { kind: 'manual' } | { kind: 'hourly' }>): string {
  switch (schedule.kind) {
    case 'daily': {
      const [h, m] = schedule.at.split(':').map(Number);
      return `${m} ${h} * * *`;
    }
    case 'weekly': {
      const [h, m] = schedule.at.split(':').map(Number);
      const days = [...new Set(schedule.days.map((d) => d % 7))].sort((a, b) => a - b);
      return `${m} ${h} * * ${days.join(',')}`;
    }
    case 'cron':
      return schedule.expression.trim();
  }
}

/** Parsed patterns, reused: the scheduler evaluates every job on every tick. */
const cronCache = new Map<string, Cron>();

function makeCron(pattern: string, timezone: string | undefined): Cron {
  const key = `${pattern}|${timezone ?? ''}`;
  const cached = cronCache.get(key);
  if (cached) return cached;
  const cron = parseCron(pattern, timezone);
  if (cronCache.size >= 64) cronCache.clear();
  cronCache.set(key, cron);
  return cron;
}

function parseCron(pattern: string, timezone: string | undefined): Cron {
  try {
    // paused: croner is used for its date math only; it must never arm a timer of its own.
    const cron = new Cron(pattern, { paused: true, mode: '5-or-6-parts', ...(timezone ? { timezone } : {}) });
    cron.nextRun(new Date(0)); // an impossible pattern (31 February) or a bad zone fails here
    return cron;
  } catch (err) {
    throw new LifeboatError('INVALID_ARGUMENT', `The schedule "${pattern}" is not valid.`, {
      hint: 'Use five fields: minute hour day-of-month month day-of-week, e.g. "30 2 * * *" for 02:30 every day.',
      details: err instanceof Error ? err.message : String(err),
    });
  }
}

function cronSlots(cron: Cron): Slots {
  return {
    after: (t) => cron.nextRun(t),
    atOrBefore: (t) => cron.previousRuns(1, new Date(t.getTime() + 1))[0] ?? null,
  };
}

/**
 * Every N hours, anchored at the start of the hour of the previous run: runs stay on whole hours and
 * never drift, and elapsed hours are real hours (a DST change does not add or drop a run).
 */
function intervalSlots(everyHours: number, anchor: Date | null): Slots {
  const step = everyHours * hourMs;
  const base = anchor ? Math.floor(anchor.getTime() / hourMs) * hourMs : null;
  return {
    after: (t) => {
      if (base === null) return new Date(Math.floor(t.getTime() / hourMs) * hourMs + hourMs);
      const k = Math.max(1, Math.floor((t.getTime() - base) / step) + 1);
      return new Date(base + k * step);
    },
    atOrBefore: (t) => {
      if (base === null) return null;
      const k = Math.floor((t.getTime() - base) / step);
      return k >= 1 ? new Date(base + k * step) : null;
    },
  };
}

function slotsOf(schedule: Exclude<Schedule, { kind: 'manual' }>, lastRunAt: Date | null): Slots {
  if (schedule.kind === 'hourly') return intervalSlots(schedule.every, lastRunAt);
  return cronSlots(makeCron(cronPattern(schedule), schedule.timezone));
}

/** Throws INVALID_ARGUMENT when the schedule cannot be evaluated (bad cron pattern, unknown zone). */
export function validateSchedule(schedule: Schedule): void {
  if (schedule.kind === 'manual' || schedule.kind === 'hourly') return;
  const cron = makeCron(cronPattern(schedule), schedule.timezone);
  if (!cron.nextRun(new Date())) {
    throw new LifeboatError('INVALID_ARGUMENT', 'This schedule never runs.', {
      hint: 'Check the cron expression: it has no future date.',
    });
  }
}

/**
 * When the job should run next.
 * - `lastRunAt`: start of the last scheduled run, or when the job was created if it never ran (so a
 *   slot missed since its creation is caught up). null: no reference, the next regular slot.
 * - Returns null for manual schedules and patterns with no future date.
 */
export function nextRunAt(schedule: Schedule, lastRunAt: Date | null, now: Date): PlannedRun | null {
  if (schedule.kind === 'manual') return null;
  // A clock set back (or a run recorded by a computer whose clock ran ahead) must not stall the job.
  const last = lastRunAt && lastRunAt.getTime() > now.getTime() ? now : lastRunAt;
  const slots = slotsOf(schedule, last);
  const regular = (at: Date | null): PlannedRun | null => (at ? { at, catchUp: false, slot: at } : null);
  if (last === null) return regular(slots.after(now));

  const first = slots.after(last);
  if (!first) return null;
  if (first.getTime() > now.getTime()) return regular(first);

  // At least one slot passed since the last run. The latest of them decides.
  const latest = slots.atOrBefore(now) ?? first;
  if (now.getTime() - latest.getTime() <= onTimeGraceMs) return regular(latest);
  const upcoming = slots.after(now);
  if (upcoming && upcoming.getTime() - now.getTime() <= catchUpSkipMs) return regular(upcoming);
  return { at: now, catchUp: true, slot: latest };
}

/** A short English description for the CLI and logs ("daily at 02:30 (Europe/Moscow)"). */
export function describeSchedule(schedule: Schedule): string {
  const zone = 'timezone' in schedule && schedule.timezone ? ` (${schedule.timezone})` : '';
  const dayNames = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  switch (schedule.kind) {
    case 'manual':
      return 'manual only';
    case 'daily':
      return `daily at ${schedule.at}${zone}`;
    case 'hourly':
      return `every ${schedule.every === 1 ? 'hour' : `${schedule.every} hours`}${zone}`;
    case 'weekly':
      return `weekly on ${[...schedule.days]
        .sort()
        .map((d) => dayNames[d])
        .join(',')} at ${schedule.at}${zone}`;
    case 'cron':
      return `cron "${schedule.expression}"${zone}`;
  }
}
