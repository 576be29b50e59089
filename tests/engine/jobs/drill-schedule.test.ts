/**
 * Restore drills wired into the job system, against a real local repository under a moved clock:
 * on demand (a drill before the first backup fails and is notified), never at the same time as a
 * backup of the repository, scheduled when due (weekly: not after 3 days, yes after 8), each with
 * an HTML report on this computer and a `lifeboat-drill-report` snapshot in the repository, a
 * history entry and the dashboard's "last drill". The job's retention never removes the report
 * snapshots, and drills never pick them.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillRecord } from '../../../src/shared/jobs.ts';
import { Service } from '../../../src/engine/service.ts';
import { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import { MemorySettingsStore } from '../../../src/engine/settings/settings-store.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { drillReportTag } from '../../../src/engine/jobs/drill/index.ts';
import { jobTag } from '../../../src/engine/jobs/runner.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import { until } from '../../helpers/until.ts';
import { startHookEndpoint, type HookEndpoint } from './acceptance-helpers.ts';

const password = 'drill schedule password';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-drill-sched-'));
const dataDir = path.join(root, 'data');
const repoDir = path.join(root, 'repo');
const source = path.join(root, 'source');
const day = 24 * 3_600_000;

let offset = 0;
const now = (): Date => new Date(Date.now() + offset);

let hook: HookEndpoint;
/** The webhook bodies received so far. */
const posts = () =>
  hook.posts.map((p) => p.body as { event: string; status: string; drill: { passed: boolean } | null });
let service: Service;

beforeAll(async () => {
  hook = await startHookEndpoint();
  mkdirSync(path.join(source, 'Клиенты'), { recursive: true });
  for (let i = 0; i < 12; i++) {
    writeFileSync(
      path.join(source, 'Клиенты', `client-${i}.json`),
      JSON.stringify({ id: i, name: `Клиент ${i}` }).repeat(40),
    );
  }
  writeFileSync(path.join(source, 'deals.csv'), 'id,amount\n1,100\n2,250\n');
  await Repository.init(new LocalBackend(repoDir), password, { kdf: fastKdf });
  const secrets = new MemorySecretStore();
  service = new Service({
    host: 'headless',
    dataDir,
    settings: new MemorySettingsStore(),
    secrets: async () => secrets,
    notifications: { tuning: { http: { timeoutMs: 3000, retries: 0 } } },
    jobs: {
      now,
      tickMs: 20,
      runner: { retry: { retries: 0, baseMs: 1, maxMs: 1 }, lock: { settleMs: 0 }, workers: 1 },
    },
  });
});

afterAll(async () => {
  await service?.close();
  await hook?.close();
  rmSync(root, { recursive: true, force: true });
});

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

const finishedDrills = async (jobId: string): Promise<DrillRecord[]> =>
  (await service.jobManager.drillsOf(jobId)).filter((d) => d.status !== 'running');

async function drillNow(jobId: string): Promise<DrillRecord> {
  const { runId, alreadyRunning } = await service.runDrillNow({ id: jobId });
  expect(alreadyRunning).toBe(false);
  return until(`drill ${runId}`, async () => (await finishedDrills(jobId)).find((d) => d.runId === runId));
}

async function snapshots(tag: string) {
  const repo = await Repository.open(new LocalBackend(repoDir), password);
  return repo.listSnapshots({ tags: [tag] });
}

describe('restore drills in the job system', () => {
  let jobId = '';

  it('on demand: fails (and notifies) before the first backup, then passes with a report here and in the repository; never overlaps a backup', async () => {
    await service.saveNotificationSettings({
      settings: {
        smtp: null,
        channels: [{ kind: 'webhook', id: 'hook', url: hook.url }],
      },
    });
    const job = await service.saveJob({
      job: {
        name: 'CRM',
        sources: [{ kind: 'folder', path: source, excludes: [] }],
        destination: { location: { kind: 'local', path: repoDir } },
        schedule: { kind: 'manual' },
        retention: { kind: 'custom', keepLast: 1 },
        drill: { enabled: true, every: 'weekly', sampleFiles: 5 },
      },
      password,
    });
    jobId = job.id;

    const early = await drillNow(jobId);
    expect(early).toMatchObject({
      status: 'failed',
      trigger: 'manual',
      reportPath: null,
      error: { code: 'NOT_FOUND' },
    });
    // The drill is in the history before its notification goes out: wait for the post.
    await until('the drill notification', () => posts().length > 0);
    expect(posts()).toEqual([expect.objectContaining({ event: 'drill.finished', status: 'failed' })]);
    expect((await service.listJobs())[0]!.lastDrill).toMatchObject({ runId: early.runId, passed: false });

    expect((await (await service.jobManager.start(jobId, 'manual', null)).done).status).toBe('ok');

    // A drill and a backup asked for together: one after the other, never at the same time.
    const drillRun = await service.runDrillNow({ id: jobId });
    expect(await service.runDrillNow({ id: jobId })).toEqual({ ...drillRun, alreadyRunning: true });
    const { done } = await service.jobManager.start(jobId, 'manual', null);
    const backup = await done;
    const drill = await until('the drill', async () =>
      (await finishedDrills(jobId)).find((d) => d.runId === drillRun.runId),
    );
    expect(Date.parse(drill.finishedAt!)).toBeLessThanOrEqual(Date.parse(backup.startedAt));
    expect(drill).toMatchObject({
      status: 'passed',
      problems: 0,
      sample: { files: 5, ofFiles: 13 },
      filesVerified: 5,
    });
    expect(posts()).toHaveLength(1); // a passed drill is silent by default, like a good backup

    // The report: a file here, the same HTML through the contract, and a snapshot in the repository.
    expect(drill.reportPath!.startsWith(path.join(dataDir, 'reports', jobId))).toBe(true);
    const report = await service.drillReport({ jobId, runId: drill.runId });
    expect(report).toMatchObject({ path: drill.reportPath, passed: true });
    expect(report.html).toBe(readFileSync(drill.reportPath!, 'utf8'));
    expect(report.html).toContain(drill.snapshotId!.slice(0, 8));
    const reports = await snapshots(drillReportTag);
    expect(reports.map((s) => s.id)).toEqual([drill.reportSnapshotId]);
    expect(reports[0]!.tags).toEqual(
      expect.arrayContaining(['drill-passed', `drill-of-${drill.snapshotId!.slice(0, 8)}`]),
    );
    expect(reports[0]!.tags).not.toContain(jobTag(jobId));
    await expect(service.drillReport({ jobId, runId: early.runId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('runs by itself when due (weekly: not after 3 days, after 8), and records it', async () => {
    service.startScheduler();
    await settle();
    expect(await finishedDrills(jobId)).toHaveLength(2);
    offset = 3 * day;
    await settle();
    expect(await finishedDrills(jobId)).toHaveLength(2);

    offset = 8 * day;
    const scheduled = await until('the scheduled drill', async () => (await finishedDrills(jobId))[2]);
    expect(scheduled).toMatchObject({ trigger: 'schedule', status: 'passed' });
    expect(existsSync(scheduled.reportPath!)).toBe(true);
    await settle();
    expect(await finishedDrills(jobId)).toHaveLength(3); // once, not on every tick

    const [summary] = await service.listJobs();
    expect(summary!.lastDrill).toMatchObject({ runId: scheduled.runId, passed: true });
    expect(Date.parse(summary!.nextDrillAt!)).toBeGreaterThan(now().getTime() + 6 * day);
    const history = await service.jobHistory({ id: jobId });
    const drills = history.entries.filter((e) => e.kind === 'drill');
    expect(drills.map((e) => e.drill.status)).toEqual(['passed', 'passed', 'failed']);
    expect(history.entries.filter((e) => e.kind === 'found')).toEqual([]); // report snapshots are not the job's
    await service.stopScheduler();
  });

  it("the job's retention keeps every drill report, and drills only ever test the job's own snapshots", async () => {
    for (let i = 0; i < 2; i++) {
      writeFileSync(path.join(source, 'deals.csv'), `id,amount\n1,${i}\n`);
      const run = await (await service.jobManager.start(jobId, 'manual', null)).done;
      expect(run.status).toBe('ok');
      expect(run.forgotten).toHaveLength(1); // keepLast 1
    }
    expect(await snapshots(jobTag(jobId))).toHaveLength(1);
    const reports = await snapshots(drillReportTag);
    const drills = await finishedDrills(jobId);
    expect(reports.map((s) => s.id).sort()).toEqual(
      drills.flatMap((d) => (d.reportSnapshotId ? [d.reportSnapshotId] : [])).sort(),
    );
    expect(reports).toHaveLength(2);

    const runs = await service.jobManager.runsOf(jobId);
    const jobSnapshots = new Set(runs.map((r) => r.snapshotId));
    const another = await drillNow(jobId);
    expect(another.status).toBe('passed');
    for (const d of [...drills, another].filter((x) => x.snapshotId))
      expect(jobSnapshots.has(d.snapshotId)).toBe(true);
  });
});
