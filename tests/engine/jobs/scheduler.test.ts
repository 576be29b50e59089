/**
 * The scheduler in the Service, behind the headless host, under a movable clock and a fast tick:
 * runs happen by themselves, missed runs are caught up once, an interrupted run is redone (its stale
 * repository lock cleared), resume() looks at the clock at once, and the history survives restarts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { hostname } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../../src/shared/contract.ts';
import type { JobHistory, JobRun } from '../../../src/shared/jobs.ts';
import { Service } from '../../../src/engine/service.ts';
import { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import { MemorySettingsStore } from '../../../src/engine/settings/settings-store.ts';
import { HistoryStore } from '../../../src/engine/jobs/history-store.ts';
import { lockRepository, listLocks } from '../../../src/engine/repo/lock.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { startHeadless, type HeadlessServer } from '../../../src/headless/server.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import { until } from '../../helpers/until.ts';

const password = 'scheduler test password';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-sched-'));
const dataDir = path.join(root, 'data');
const repoDir = path.join(root, 'repo');
const source = path.join(root, 'source');
const secrets = new MemorySecretStore();
const hour = 3_600_000;

/** The test's clock: real time plus an offset the test moves forward. */
let offset = 0;
const now = (): Date => new Date(Date.now() + offset);
/** The next whole hour of real time: the hourly job's slots are whole hours. */
const firstSlot = Math.floor(Date.now() / hour) * hour + hour;
/** Sets the test clock to `minutes` past the slot `slots` hours after the first one. */
const setClock = (slots: number, minutes: number): void => {
  offset = firstSlot + slots * hour + minutes * 60_000 - Date.now();
};

function makeService(tickMs = 20): Service {
  return new Service({
    host: 'headless',
    dataDir,
    settings: new MemorySettingsStore(),
    secrets: async () => secrets,
    jobs: {
      now,
      tickMs,
      runner: { retry: { retries: 0, baseMs: 1, maxMs: 1 }, lock: { settleMs: 0 }, workers: 1 },
    },
  });
}

async function call<T>(server: HeadlessServer, op: string, input?: unknown): Promise<T> {
  const body = JSON.stringify({ input });
  const reply = await new Promise<string>((resolve, reject) => {
    const req = request(
      `http://127.0.0.1:${server.port}/api/call/${op}`,
      {
        method: 'POST',
        headers: { cookie: `lifeboat_token=${server.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  const result = JSON.parse(reply) as { ok: boolean; value?: T; error?: unknown };
  if (!result.ok) throw new Error(`${op} failed: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

const finishedRuns = async (jobId: string): Promise<JobRun[]> =>
  (await new HistoryStore(dataDir).runs(jobId)).filter((r) => r.status !== 'running');
const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));

let server: HeadlessServer | undefined;
let service: Service | undefined;
afterAll(async () => {
  await server?.close();
  await service?.close();
});

describe('scheduler in the Service (headless host, movable clock)', () => {
  let jobId = '';

  it('runs an hourly job by itself, at its slots only', async () => {
    mkdirSync(source, { recursive: true });
    writeFileSync(path.join(source, 'contacts.csv'), 'id,name\n1,Иван\n');
    await Repository.init(new LocalBackend(repoDir), password, { kdf: fastKdf });
    setClock(-1, 30); // half an hour before the first slot, whatever the real time
    service = makeService();
    server = await startHeadless({ service, staticRoot: root });
    const job = await call<{ id: string }>(server, 'saveJob', {
      job: {
        name: 'Hourly CRM',
        sources: [{ kind: 'folder', path: source, excludes: [] }],
        destination: { location: { kind: 'local', path: repoDir } },
        schedule: { kind: 'hourly', every: 1 },
        retention: { kind: 'custom', keepLast: 10 },
      },
      password,
    });
    jobId = job.id;
    service.startScheduler();
    await settle();
    expect(await finishedRuns(jobId)).toEqual([]); // the first slot is at the next whole hour

    setClock(0, 0.2);
    const [first] = await until(
      'the first scheduled run',
      async () => (await finishedRuns(jobId)).length === 1 && finishedRuns(jobId),
    );
    expect(first).toMatchObject({ trigger: 'schedule', status: 'ok' });
    await settle();
    expect(await finishedRuns(jobId)).toHaveLength(1); // the same slot never runs twice

    setClock(1, 1);
    await until('the second run', async () => (await finishedRuns(jobId)).length === 2);
    const [summary] = await call<JobSummary[]>(server, 'listJobs');
    expect(summary).toMatchObject({ id: jobId, status: 'ok', lastRunStatus: 'ok' });
    expect(Date.parse(summary!.nextRunAt!)).toBeGreaterThan(now().getTime());
  });

  it('a paused job is left alone; resumed, its missed slot is caught up once', async () => {
    await call(server!, 'pauseJob', { id: jobId });
    setClock(3, 10); // slots 2 and 3 pass while paused
    await settle();
    expect(await finishedRuns(jobId)).toHaveLength(2);
    await call(server!, 'resumeJob', { id: jobId });
    await until('the catch-up run', async () => (await finishedRuns(jobId)).length === 3);
    await settle();
    const runs = await finishedRuns(jobId);
    expect(runs).toHaveLength(3);
    expect(runs[2]).toMatchObject({ trigger: 'catch-up', status: 'ok' });
  });

  it('after a restart: history kept, a run interrupted by a crash is redone and its stale lock cleared, then a 3-day gap gives one catch-up', async () => {
    await server!.close();
    await service!.close();
    server = undefined;

    // A Lifeboat that crashed mid-run: its run is still "running" in the history, its lock in the repository.
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
        .stdout,
    );
    setClock(5, 20);
    const crashedAt = new Date(now().getTime() - 60_000).toISOString();
    await new HistoryStore(dataDir).append({
      runId: '20260101T000000Z-dead00',
      jobId,
      trigger: 'schedule',
      status: 'running',
      scheduledFor: crashedAt,
      startedAt: crashedAt,
      finishedAt: null,
      hostname: hostname(),
      pid: dead,
      instance: 'crashed-instance',
      snapshotId: null,
      forgotten: [],
      stats: null,
      steps: {},
      readDataPart: null,
      attempts: 1,
      error: null,
    });
    const repo = await Repository.open(new LocalBackend(repoDir), password);
    await lockRepository(repo, { exclusive: true, pid: dead, refreshMs: 0, settleMs: 0 });
    expect(await listLocks(repo)).toHaveLength(1);

    service = makeService();
    expect((await service.listJobs())[0]).toMatchObject({
      id: jobId,
      lastRunStatus: 'interrupted',
      status: 'warning',
    });
    service.startScheduler();
    const redone = await until('the retry of the interrupted run', async () => {
      const runs = await finishedRuns(jobId);
      return runs.find((r) => r.trigger === 'retry' && r.status !== 'running');
    });
    expect(redone.status).toBe('ok'); // forget took the exclusive lock: the dead process's lock was cleared
    expect(await listLocks(repo)).toHaveLength(0);

    // Three days asleep: exactly one catch-up.
    const before = (await finishedRuns(jobId)).length;
    setClock(76, 12);
    await until('the catch-up after the gap', async () => (await finishedRuns(jobId)).length === before + 1);
    await settle(300);
    const history = await service.jobHistory({ id: jobId });
    const runs = history.entries.filter((e) => e.kind === 'run');
    expect(runs).toHaveLength(before + 1);
    expect(runs[0]).toMatchObject({ run: { trigger: 'catch-up', status: 'ok' }, snapshot: 'present' });
    expect(history.entries.some((e) => e.kind === 'run' && e.run.status === 'interrupted')).toBe(true);
    await service.close();
  });

  it('resume() looks at the clock at once instead of waiting for the next tick', async () => {
    service = makeService(30_000);
    service.startScheduler();
    await settle();
    const before = (await finishedRuns(jobId)).length;
    setClock(77, 0.5);
    await service.resumeScheduler();
    await until(
      'the run started by resume',
      async () => (await finishedRuns(jobId)).length === before + 1,
      10_000,
    );
    const history: JobHistory = await service.jobHistory({ id: jobId, reconcile: false, limit: 1 });
    expect(history.entries[0]).toMatchObject({ kind: 'run', run: { trigger: 'schedule' } });
    await service.close();
    service = undefined;
  });

  it('only one scheduler per data folder runs the jobs; the other takes over when it stops', async () => {
    const holder = (): string | undefined => {
      try {
        return (
          JSON.parse(readFileSync(path.join(dataDir, 'scheduler.lock'), 'utf8')) as { instance: string }
        ).instance;
      } catch {
        return undefined;
      }
    };
    const a = makeService();
    const b = makeService();
    a.startScheduler();
    await until('the first scheduler to hold the lock', async () => holder() === a.jobManager.instance);
    b.startScheduler();
    const before = (await finishedRuns(jobId)).length;
    setClock(78, 0.5);
    await until('a run', async () => (await finishedRuns(jobId)).length === before + 1);
    await settle(300);
    expect(await finishedRuns(jobId)).toHaveLength(before + 1);
    expect(holder()).toBe(a.jobManager.instance);
    await a.close();
    await until('the second scheduler to take over', async () => holder() === b.jobManager.instance);
    await b.close();
    expect(holder()).toBeUndefined();
  });
});
