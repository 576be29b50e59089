import { describe, expect, it } from 'vitest';
import type { JobSummary } from '../../src/shared/contract.ts';
import type { Job } from '../../src/shared/jobs.ts';
import {
  assessHealth,
  expectedIntervalHours,
  staleAfterHours,
  type HealthInput,
} from '../../src/renderer/dashboard/job-health.ts';
import { createTimeWords } from '../../src/renderer/dashboard/time-words.ts';

const now = new Date('2026-05-20T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
const daysAgo = (d: number) => hoursAgo(d * 24);

function summary(over: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 'crm',
    name: 'CRM',
    status: 'ok',
    lastSuccessAt: hoursAgo(3),
    nextRunAt: hoursAgo(-21),
    lastRunAt: hoursAgo(3),
    lastRunStatus: 'ok',
    lastError: null,
    lastDrill: { runId: '20260510T020000Z-abcdef', at: daysAgo(10), passed: true },
    nextDrillAt: null,
    ...over,
  };
}

function job(over: Partial<Job> = {}): Job {
  return {
    id: 'crm',
    name: 'CRM',
    sources: [{ kind: 'folder', path: '/srv/crm', excludes: [] }],
    destination: { location: { kind: 'gdrive', folder: 'Backups' }, repositoryId: 'a'.repeat(64) },
    copyTo: null,
    schedule: { kind: 'daily', at: '19:00' },
    retention: { kind: 'preset', preset: 'standard' },
    pruneEvery: 'weekly',
    checks: { afterBackup: true, readData: { every: 'weekly', percent: 10 } },
    notifications: {
      desktop: true,
      email: [],
      onSuccess: false,
      onWarning: true,
      onFailure: true,
      noSuccessForHours: null,
    },
    drill: { enabled: true, every: 'monthly', sampleFiles: 20 },
    enabled: true,
    createdAt: daysAgo(100),
    updatedAt: daysAgo(100),
    ...over,
  };
}

const assess = (input: Partial<HealthInput>) =>
  assessHealth({ summary: summary(), job: job(), now, ...input });
const kinds = (input: Partial<HealthInput>) => assess(input).warnings.map((w) => w.kind);

describe('assessHealth', () => {
  it('calls a job with a recent good backup and a recent restore test protected, with nothing to say', () => {
    expect(assess({})).toEqual({ level: 'protected', warnings: [] });
  });

  it('says "new" for a job that has not run yet, without nagging', () => {
    const fresh = job({ createdAt: hoursAgo(1) });
    const s = summary({ lastSuccessAt: null, lastRunAt: null, lastRunStatus: null, lastDrill: null });
    expect(assess({ summary: s, job: fresh })).toEqual({ level: 'new', warnings: [] });
  });

  it('fails a job that was set up long ago and never backed up', () => {
    const s = summary({ lastSuccessAt: null, lastRunStatus: null, lastDrill: null });
    const health = assess({ summary: s, job: job({ createdAt: daysAgo(3) }) });
    expect(health.level).toBe('failing');
    expect(health.warnings[0]).toMatchObject({ kind: 'neverBackedUp' });
  });

  it('warns after two missed daily runs and fails after four', () => {
    expect(kinds({ summary: summary({ lastSuccessAt: hoursAgo(40) }) })).toEqual([]);
    const stale = assess({ summary: summary({ lastSuccessAt: hoursAgo(60) }) });
    expect(stale.level).toBe('warning');
    expect(stale.warnings).toEqual([{ severity: 'warning', kind: 'noBackupFor', since: hoursAgo(60) }]);
    expect(assess({ summary: summary({ lastSuccessAt: daysAgo(5) }) }).level).toBe('failing');
  });

  it("follows the job's own alert threshold when set", () => {
    const strict = job({ notifications: { ...job().notifications, noSuccessForHours: 6 } });
    expect(kinds({ job: strict, summary: summary({ lastSuccessAt: hoursAgo(7) }) })).toEqual(['noBackupFor']);
  });

  it('does not call a manual job stale (nobody promised a schedule)', () => {
    const manual = job({ schedule: { kind: 'manual' } });
    expect(kinds({ job: manual, summary: summary({ lastSuccessAt: daysAgo(20) }) })).toEqual([]);
  });

  it('asks to sign in again to the cloud account when the last run failed for lack of access', () => {
    const s = summary({
      lastRunStatus: 'failed',
      status: 'failed',
      lastError: { code: 'AUTH_REQUIRED', message: 'Token revoked' },
    });
    const health = assess({
      summary: s,
      job: job({ destination: { ...job().destination, location: { kind: 'dropbox', path: '/b' } } }),
    });
    expect(health.level).toBe('failing');
    expect(health.warnings).toEqual([{ severity: 'danger', kind: 'signInAgain', place: 'dropbox' }]);
  });

  it('reports any other failure with its error, and warnings of the last run', () => {
    const error = { code: 'NETWORK' as const, message: 'offline', hint: 'Check the network.' };
    expect(assess({ summary: summary({ lastRunStatus: 'failed', lastError: error }) }).warnings).toEqual([
      { severity: 'danger', kind: 'lastRunFailed', error },
    ]);
    expect(assess({ summary: summary({ lastRunStatus: 'warning' }) })).toEqual({
      level: 'warning',
      warnings: [{ severity: 'warning', kind: 'lastRunWarnings' }],
    });
  });

  it('warns when the destination is 90% full and fails at 98%', () => {
    const total = 100 * 1024 ** 3;
    const space = (free: number) => ({ freeBytes: free * total, totalBytes: total, repositoryBytes: 1 });
    expect(kinds({ space: space(0.2) })).toEqual([]);
    expect(assess({ space: space(0.05) }).warnings).toEqual([
      { severity: 'warning', kind: 'destinationFull', place: 'gdrive', percentUsed: 95 },
    ]);
    expect(assess({ space: space(0.01) }).level).toBe('failing');
    // Unknown quotas (some accounts have none) say nothing.
    expect(kinds({ space: { freeBytes: null, totalBytes: null, repositoryBytes: 5 } })).toEqual([]);
  });

  it('notices an old or failed restore test, and gently mentions a job never tested', () => {
    const drill = (days: number, passed = true) => ({
      runId: '20260101T000000Z-abcdef',
      at: daysAgo(days),
      passed,
    });
    expect(kinds({ summary: summary({ lastDrill: drill(70) }) })).toEqual(['drillOverdue']);
    expect(kinds({ summary: summary({ lastDrill: drill(2, false) }) })).toEqual(['drillFailed']);
    const untested = assess({ summary: summary({ lastDrill: null }) });
    expect(untested).toEqual({ level: 'protected', warnings: [{ severity: 'info', kind: 'neverTested' }] });
    // A job younger than a month has not had its chance yet.
    expect(kinds({ summary: summary({ lastDrill: null }), job: job({ createdAt: daysAgo(5) }) })).toEqual([]);
  });

  it('mentions a paused job without making it a problem, and orders warnings worst first', () => {
    expect(assess({ job: job({ enabled: false }) })).toEqual({
      level: 'protected',
      warnings: [{ severity: 'info', kind: 'paused' }],
    });
    const many = kinds({
      job: job({ enabled: false }),
      summary: summary({ lastDrill: null, lastRunStatus: 'failed', lastSuccessAt: hoursAgo(60) }),
    });
    expect(many).toEqual(['lastRunFailed', 'noBackupFor', 'neverTested', 'paused']);
  });

  it('works from the summary alone while the job is loading', () => {
    expect(assessHealth({ summary: summary({ lastSuccessAt: hoursAgo(50) }), now }).level).toBe('warning');
    expect(assessHealth({ summary: summary({ status: 'paused' }), now }).warnings).toEqual([
      { severity: 'info', kind: 'paused' },
    ]);
  });
});

describe('schedules', () => {
  it('knows the longest gap between scheduled runs', () => {
    expect(expectedIntervalHours({ kind: 'hourly', every: 4 })).toBe(4);
    expect(expectedIntervalHours({ kind: 'weekly', days: [1, 4], at: '02:00' })).toBe(4 * 24);
    expect(expectedIntervalHours({ kind: 'weekly', days: [3], at: '02:00' })).toBe(7 * 24);
    expect(expectedIntervalHours({ kind: 'cron', expression: '0 2 * * 1-5' })).toBeNull();
    expect(staleAfterHours(job({ schedule: { kind: 'hourly', every: 1 } }))).toBe(26);
  });
});

describe('time words', () => {
  it('says how long ago, in English and Russian', () => {
    const en = createTimeWords('en');
    const ru = createTimeWords('ru');
    expect(en.relative(hoursAgo(3), now)).toBe('3 hours ago');
    expect(ru.relative(hoursAgo(3), now)).toBe('3 часа назад');
    expect(en.relative(daysAgo(70), now)).toBe('2 months ago');
    expect(en.relative(hoursAgo(-30), now)).toBe('tomorrow');
    expect(en.relative(now, now)).toBe('now');
    expect(createTimeWords('en', 'just now').relative(hoursAgo(0.001), now)).toBe('just now');
    expect(en.duration(3 * 86_400_000)).toBe('3 days');
    expect(ru.duration(5 * 86_400_000)).toBe('5 дней');
  });
});
