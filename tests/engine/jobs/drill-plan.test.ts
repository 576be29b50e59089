import { describe, expect, it } from 'vitest';
import type { DrillRecord, Job, JobRun } from '../../../src/shared/jobs.ts';
import { drillRetryMs, lastFinishedDrill, planDrill } from '../../../src/engine/jobs/drill-plan.ts';

const day = 24 * 3_600_000;
const t0 = Date.parse('2026-05-01T02:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

const job = (over: Partial<Job> = {}): Job =>
  ({
    id: 'job1',
    enabled: true,
    drill: { enabled: true, every: 'monthly', sampleFiles: 20 },
    ...over,
  }) as Job;

const backup = (at: number, status: JobRun['status'] = 'ok'): JobRun =>
  ({
    runId: `r${at}`,
    status,
    startedAt: iso(at),
    snapshotId: status === 'ok' ? 'a'.repeat(64) : null,
  }) as JobRun;

const drill = (at: number, over: Partial<DrillRecord> = {}): DrillRecord =>
  ({
    runId: `d${at}`,
    status: 'passed',
    startedAt: iso(at),
    finishedAt: iso(at + 60_000),
    snapshotId: 'a'.repeat(64),
    error: null,
    ...over,
  }) as DrillRecord;

describe('planDrill', () => {
  it('nothing before the first successful backup, nothing when paused or off', () => {
    expect(planDrill(job(), [], [], new Date(t0))).toBeNull();
    expect(planDrill(job(), [], [backup(t0, 'failed')], new Date(t0))).toBeNull();
    expect(planDrill(job({ enabled: false }), [], [backup(t0)], new Date(t0))).toBeNull();
    expect(
      planDrill(
        job({ drill: { enabled: false, every: 'weekly', sampleFiles: 1 } }),
        [],
        [backup(t0)],
        new Date(t0),
      ),
    ).toBeNull();
  });

  it('never tested: right away; then one period after the last test (with a little slack)', () => {
    expect(planDrill(job(), [], [backup(t0)], new Date(t0 + 1000))!.getTime()).toBe(t0 + 1000);
    const next = planDrill(job(), [drill(t0)], [backup(t0)], new Date(t0 + day))!.getTime();
    expect(next).toBeGreaterThan(t0 + 29 * day);
    expect(next).toBeLessThanOrEqual(t0 + 30 * day);
    const failedTest = drill(t0, { status: 'failed' });
    expect(planDrill(job(), [failedTest], [backup(t0)], new Date(t0))!.getTime()).toBe(next); // a finding, not a retry
  });

  it('a drill that could not test anything is tried again hours later; an interrupted one at once', () => {
    const error = drill(t0 + 31 * day, {
      status: 'failed',
      snapshotId: null,
      error: { code: 'NETWORK', message: 'offline' },
    });
    const planned = planDrill(job(), [drill(t0), error], [backup(t0)], new Date(t0 + 31 * day + 120_000))!;
    expect(planned.getTime()).toBe(Date.parse(error.finishedAt!) + drillRetryMs);
    const interrupted = drill(t0 + 31 * day, { status: 'interrupted', snapshotId: null });
    const now = new Date(t0 + 31 * day + 120_000);
    expect(planDrill(job(), [drill(t0), interrupted], [backup(t0)], now)!.getTime()).toBeLessThan(
      now.getTime(),
    );
  });

  it('the dashboard shows the last drill with a verdict', () => {
    expect(lastFinishedDrill([drill(t0), drill(t0 + day, { status: 'cancelled' })])!.runId).toBe(`d${t0}`);
    expect(lastFinishedDrill([])).toBeUndefined();
  });
});
