import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { hostname } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job, JobRun } from '../../../src/shared/jobs.ts';
import { jobDefaults } from '../../../src/engine/jobs/job-draft.ts';
import { JobStore } from '../../../src/engine/jobs/job-store.ts';
import { HistoryStore, isOrphaned } from '../../../src/engine/jobs/history-store.ts';
import { KeyedQueue } from '../../../src/engine/jobs/keyed-queue.ts';
import { SchedulerLock } from '../../../src/engine/jobs/scheduler-lock.ts';
import { reconcile } from '../../../src/engine/jobs/reconcile.ts';
import { nextDataPart, packsOfPart } from '../../../src/engine/jobs/read-data-subset.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'lb-jobs-'));

const job = (id: string, over: Partial<Job> = {}): Job => ({
  ...jobDefaults,
  id,
  name: `Job ${id}`,
  sources: [{ kind: 'folder', path: '/srv/crm', excludes: ['*.tmp'] }],
  destination: { location: { kind: 'local', path: '/backup' }, repositoryId: 'a'.repeat(64) },
  copyTo: null,
  schedule: { kind: 'daily', at: '02:00' },
  createdAt: '2026-05-01T10:00:00.000Z',
  updatedAt: '2026-05-01T10:00:00.000Z',
  ...over,
});

const run = (over: Partial<JobRun> = {}): JobRun => ({
  runId: '20260502T020000Z-aaaaaa',
  jobId: 'j1',
  trigger: 'schedule',
  status: 'running',
  scheduledFor: null,
  startedAt: '2026-05-02T02:00:00.000Z',
  finishedAt: null,
  hostname: hostname(),
  pid: process.pid,
  instance: 'me',
  snapshotId: null,
  forgotten: [],
  stats: null,
  steps: {},
  readDataPart: null,
  attempts: 0,
  error: null,
  ...over,
});

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
      .stdout,
  );
}

describe('job store', () => {
  it('saves, reloads in another instance, and validates', async () => {
    const dir = tmp();
    const store = new JobStore(dir);
    await store.put(job('j1'));
    await store.put(
      job('j2', { schedule: { kind: 'cron', expression: '30 2 * * 1-5', timezone: 'Europe/Moscow' } }),
    );
    await store.put(job('j1', { name: 'Renamed' }));
    const again = new JobStore(dir);
    expect((await again.list()).map((j) => [j.id, j.name])).toEqual([
      ['j1', 'Renamed'],
      ['j2', 'Job j2'],
    ]);
    await expect(
      store.put(job('j3', { schedule: { kind: 'cron', expression: 'not a cron' } })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.put(job('j3', { retention: { kind: 'custom' } }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(await again.remove('j2')).toBe(true);
    expect((await store.list()).map((j) => j.id)).toEqual(['j1']); // sees the other instance's change
  });

  it('a damaged file does not crash anything: it is kept aside and reported', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'jobs.json'), '{"version":1,"jobs":[{"id":"j1",'); // torn
    const store = new JobStore(dir);
    expect(await store.list()).toEqual([]);
    expect(store.problems).toHaveLength(1);
    expect(readFileSync(store.problems[0]!.keptAt, 'utf8')).toContain('"j1"');
    await store.put(job('j9'));
    expect((await new JobStore(dir).list()).map((j) => j.id)).toEqual(['j9']);
  });

  it('invalid entries are set aside, the valid ones kept', async () => {
    const dir = tmp();
    writeFileSync(
      path.join(dir, 'jobs.json'),
      JSON.stringify({
        version: 1,
        jobs: [job('ok'), { ...job('bad'), schedule: { kind: 'daily', at: '25:99' } }],
      }),
    );
    const store = new JobStore(dir);
    expect((await store.list()).map((j) => j.id)).toEqual(['ok']);
    expect(store.problems[0]!.message).toMatch(/1 job\(s\).*schedule/);
    const rejected = readdirSync(dir).find((f) => f.startsWith('jobs.json.rejected-'))!;
    expect(readFileSync(path.join(dir, rejected), 'utf8')).toContain('"bad"');
    expect(JSON.parse(readFileSync(path.join(dir, 'jobs.json'), 'utf8')).jobs).toHaveLength(1);
  });
});

describe('history store', () => {
  it('keeps the last state of each run, survives a new instance and skips a torn line', async () => {
    const dir = tmp();
    const history = new HistoryStore(dir);
    await history.append(run());
    await history.append(
      run({ status: 'ok', finishedAt: '2026-05-02T02:05:00.000Z', snapshotId: 'b'.repeat(64) }),
    );
    await history.append(run({ runId: '20260503T020000Z-bbbbbb', startedAt: '2026-05-03T02:00:00.000Z' }));
    appendFileSync(history.file('j1'), '{"runId":"2026');
    const again = new HistoryStore(dir);
    const runs = await again.runs('j1');
    expect(runs.map((r) => [r.runId, r.status])).toEqual([
      ['20260502T020000Z-aaaaaa', 'ok'],
      ['20260503T020000Z-bbbbbb', 'running'],
    ]);
    expect(again.damagedLines('j1')).toBe(1);
    expect(await again.runs('other')).toEqual([]);
  });

  it('a run left running by a dead process of this computer is orphaned; live and foreign ones are not', () => {
    const dead = deadPid();
    expect(isOrphaned(run({ pid: dead, instance: 'old' }), { instance: 'me' })).toBe(true);
    expect(isOrphaned(run({ pid: process.pid, instance: 'cli' }), { instance: 'me' })).toBe(false);
    expect(isOrphaned(run({ pid: dead, instance: 'me' }), { instance: 'me' })).toBe(false);
    expect(isOrphaned(run({ pid: dead, instance: 'old', hostname: 'another-pc' }), { instance: 'me' })).toBe(
      false,
    );
    expect(isOrphaned(run({ pid: dead, instance: 'old', status: 'ok' }), { instance: 'me' })).toBe(false);
  });
});

describe('one writer per repository', () => {
  it('runs tasks of one key in order, other keys in parallel', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      if (name === 'a1') throw new Error('a1 fails');
    };
    const all = Promise.allSettled([
      queue.run('A', task('a1', 30)),
      queue.run('A', task('a2', 5)),
      queue.run('B', task('b1', 5)),
    ]);
    expect(queue.busy('A')).toBe(true);
    const results = await all;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    await new Promise((r) => setTimeout(r, 0));
    expect(queue.busy('A')).toBe(false);
  });
});

describe('scheduler lock', () => {
  it('one scheduler per data folder; a dead holder is replaced', async () => {
    const dir = tmp();
    const first = new SchedulerLock(dir, 'first');
    const second = new SchedulerLock(dir, 'second');
    expect(await first.acquire()).toBe(true);
    expect(await first.acquire()).toBe(true); // heartbeat
    expect(await second.acquire()).toBe(false);
    await first.release();
    expect(await second.acquire()).toBe(true);
    writeFileSync(
      path.join(dir, 'scheduler.lock'),
      JSON.stringify({ pid: deadPid(), hostname: hostname(), instance: 'crashed', since: '' }),
    );
    expect(await first.acquire()).toBe(true);
  });
});

describe('reconciliation with the repository', () => {
  const runs = [
    run({
      runId: '20260501T020000Z-aaaaaa',
      status: 'ok',
      startedAt: '2026-05-01T02:00:00.000Z',
      snapshotId: 's1',
    }),
    run({
      runId: '20260502T020000Z-aaaaaa',
      status: 'ok',
      startedAt: '2026-05-02T02:00:00.000Z',
      snapshotId: 's2',
      forgotten: ['s1'],
    }),
    run({ runId: '20260503T020000Z-aaaaaa', status: 'failed', startedAt: '2026-05-03T02:00:00.000Z' }),
  ];

  it('the repository is the source of truth', () => {
    const entries = reconcile(runs, [
      { id: 's2', time: '2026-05-02T02:00:00.000Z', hostname: 'pc', paths: ['/srv'] },
      { id: 's0', time: '2026-04-30T02:00:00.000Z', hostname: 'other', paths: ['/srv'] },
    ]);
    expect(
      entries.map((e) =>
        e.kind === 'run'
          ? `${e.run.runId.slice(0, 8)}:${e.snapshot}`
          : e.kind === 'found'
            ? `found:${e.snapshotId}`
            : 'drill',
      ),
    ).toEqual(['20260503:none', '20260502:present', '20260501:forgotten', 'found:s0']);
  });

  it('without the repository, only what the history knows', () => {
    const entries = reconcile(runs, null, 2);
    expect(entries.map((e) => (e.kind === 'run' ? e.snapshot : 'found'))).toEqual(['none', 'unknown']);
    expect(reconcile(runs, null).map((e) => (e.kind === 'run' ? e.snapshot : 'found'))[2]).toBe('forgotten');
  });
});

describe('data check rotation', () => {
  it('successive checks cover every pack exactly once per rotation', () => {
    const ids = Array.from({ length: 500 }, (_, i) =>
      ((i * 2654435761) % 2 ** 32).toString(16).padStart(8, '0').repeat(8),
    );
    let part = nextDataPart(null, 10);
    const seen: string[] = [];
    for (let i = 0; i < part.of; i++) {
      seen.push(...packsOfPart(ids, part));
      part = nextDataPart(part, 10);
    }
    expect(part.part).toBe(0);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(nextDataPart({ part: 3, of: 10 }, 25)).toEqual({ part: 0, of: 4 });
    expect(nextDataPart(null, 100)).toEqual({ part: 0, of: 1 });
  });
});
