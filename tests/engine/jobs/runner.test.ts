/**
 * Jobs run for real against local repositories: backup, retention, prune, checks, the copy to a
 * second destination, cancel, retries, history and its reconciliation with the repository.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../../src/shared/contract.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';
import type { JobDraft, JobRun } from '../../../src/shared/jobs.ts';
import { Service } from '../../../src/engine/service.ts';
import { MemorySecretStore, secretAccounts } from '../../../src/engine/secrets/secret-store.ts';
import { MemorySettingsStore } from '../../../src/engine/settings/settings-store.ts';
import { openBackend } from '../../../src/engine/storage/open-backend.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { forget } from '../../../src/engine/repo/forget.ts';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { jobTag } from '../../../src/engine/jobs/runner.ts';
import { copySnapshot } from '../../../src/engine/jobs/copy-snapshot.ts';
import type { RunHooks } from '../../../src/engine/jobs/hooks.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import { hasRestic, resticOk } from '../../helpers/restic.ts';
import { until } from '../../helpers/until.ts';

const password = 'job runner password';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-runner-'));

interface Harness {
  service: Service;
  secrets: MemorySecretStore;
  events: { [E in EventName]?: EventPayload<E>[] };
  finished: JobRun[];
  dataDir: string;
  opens: { count: number };
  /** Errors the next backend opens throw, one each. */
  failOpens: LifeboatError[];
  /** While set, backend opens wait for it (after counting themselves). */
  holdOpens: { until?: Promise<void> };
}

function harness(): Harness {
  const dataDir = mkdtempSync(path.join(root, 'data-'));
  const secrets = new MemorySecretStore();
  const finished: JobRun[] = [];
  const hooks: RunHooks = { onRunFinished: (run) => void finished.push(run) };
  const failures: LifeboatError[] = [];
  const opens = { count: 0 };
  const holdOpens: Harness['holdOpens'] = {};
  const service = new Service({
    host: 'cli',
    dataDir,
    settings: new MemorySettingsStore(),
    secrets: async () => secrets,
    runHooks: [hooks],
    jobs: {
      runner: {
        retry: { retries: 2, baseMs: 1, maxMs: 1, sleep: async () => undefined },
        lock: { settleMs: 0 },
        workers: 1,
        openBackend: async (location, opts) => {
          opens.count++;
          await holdOpens.until;
          const failure = failures.shift();
          if (failure) throw failure;
          return openBackend(location, opts);
        },
      },
    },
  });
  const events: Harness['events'] = {};
  for (const name of ['progress', 'log', 'jobState'] as const) {
    service.on(name, (payload) => ((events[name] ??= [] as never[]) as unknown[]).push(payload));
  }
  return { service, secrets, events, finished, dataDir, opens, failOpens: failures, holdOpens };
}

async function newRepo(name: string): Promise<{ dir: string; id: string }> {
  const dir = path.join(root, name);
  const repo = await Repository.init(new LocalBackend(dir), password, { kdf: fastKdf });
  return { dir, id: repo.config.id };
}

function makeSource(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'Клиенты'), { recursive: true });
  writeFileSync(path.join(dir, 'Клиенты', 'contacts.ndjson'), '{"id":1,"name":"Иван"}\n'.repeat(500));
  writeFileSync(path.join(dir, 'deals.csv'), 'id,amount\n1,100\n');
  writeFileSync(path.join(dir, 'cache.tmp'), 'skip me');
  return dir;
}

function draft(source: string, repoDir: string, over: Partial<JobDraft> = {}): JobDraft {
  return {
    name: 'CRM',
    sources: [{ kind: 'folder', path: source, excludes: ['*.tmp'] }],
    destination: { location: { kind: 'local', path: repoDir } },
    schedule: { kind: 'daily', at: '02:00' },
    ...over,
  };
}

async function runNow(h: Harness, id: string): Promise<JobRun> {
  const { done } = await h.service.jobManager.start(id, 'manual', null);
  return done;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('job runner against a local repository', () => {
  let source: string;
  beforeAll(() => {
    source = makeSource('source');
  });

  it('saves a job: the password is proved, filed in the keychain under the repository id, and never written to disk', async () => {
    const h = harness();
    const repo = await newRepo('repo-save');
    await expect(
      h.service.saveJob({ job: draft(source, repo.dir), password: 'wrong' }),
    ).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    await expect(h.service.saveJob({ job: draft(source, repo.dir) })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      h.service.saveJob({ job: draft('relative/path', repo.dir), password }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await h.service.listJobs()).toEqual([]);

    const job = await h.service.saveJob({ job: draft(source, repo.dir), password });
    expect(job.destination.repositoryId).toBe(repo.id);
    expect(job.retention).toEqual({ kind: 'preset', preset: 'standard' });
    expect(await h.secrets.get(secretAccounts.repositoryPassword(repo.id))).toBe(password);
    // an update without a password keeps the repository and its password
    const renamed = await h.service.saveJob({
      job: { ...draft(source, repo.dir), id: job.id, name: 'CRM files' },
    });
    expect(renamed).toMatchObject({
      id: job.id,
      name: 'CRM files',
      createdAt: job.createdAt,
      destination: job.destination,
    });
    expect(readFileSync(path.join(h.dataDir, 'jobs.json'), 'utf8')).not.toContain(password);
    const [summary] = await h.service.listJobs();
    expect(summary).toMatchObject({ id: job.id, status: 'idle', lastSuccessAt: null });
    expect(summary!.nextRunAt).not.toBeNull();
    await h.service.close();
  });

  it('a pause made while an edit was being checked survives the edit', async () => {
    const h = harness();
    const repo = await newRepo('repo-pause-edit');
    const source = makeSource('src-pause-edit');
    const job = await h.service.saveJob({ job: draft(source, repo.dir), password });
    let release!: () => void;
    h.holdOpens.until = new Promise((resolve) => (release = resolve));
    const opensBefore = h.opens.count;
    // The edit proves the password, which opens the repository: it waits there while the job is paused.
    const editing = h.service.saveJob({
      job: { ...draft(source, repo.dir), id: job.id, name: 'Renamed' },
      password,
    });
    await until('the edit to open the repository', () => h.opens.count > opensBefore);
    expect((await h.service.pauseJob({ id: job.id })).status).toBe('paused');
    release();
    expect(await editing).toMatchObject({ name: 'Renamed', enabled: false });
    expect((await h.service.listJobs())[0]).toMatchObject({ name: 'Renamed', status: 'paused' });
    await h.service.close();
  });

  it('runs backup → retention → prune → structure check → data check, with progress, logs, history and the hook', async () => {
    const h = harness();
    const repo = await newRepo('repo-run');
    const job = await h.service.saveJob({
      job: draft(source, repo.dir, { retention: { kind: 'custom', keepLast: 2 } }),
      password,
    });
    const first = await runNow(h, job.id);
    expect(first).toMatchObject({ status: 'ok', trigger: 'manual', attempts: 1, error: null });
    expect(first.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    expect(first.steps).toMatchObject({
      backup: { status: 'ok' },
      forget: { status: 'ok' },
      prune: { status: 'ok' },
      check: { status: 'ok' },
      readData: { status: 'ok' },
    });
    expect(first.readDataPart).toEqual({ part: 0, of: 10 });
    expect(first.stats).toMatchObject({ filesNew: 2, warnings: 0 }); // cache.tmp excluded
    expect(h.finished.map((r) => r.runId)).toEqual([first.runId]);

    const progress = h.events.progress ?? [];
    expect(
      progress.some((p) => p.jobId === job.id && p.operation === 'backup' && p.bytesPerSecond !== undefined),
    ).toBe(true);
    expect((h.events.jobState ?? []).map((s) => s.status)).toContain('running');
    expect((await h.service.listJobs())[0]).toMatchObject({
      status: 'ok',
      lastSuccessAt: first.startedAt,
      lastRunStatus: 'ok',
    });

    const log = await h.service.runLog({ jobId: job.id, runId: first.runId });
    expect(log.lines.map((l) => l.message).join('\n')).toMatch(
      /Snapshot [0-9a-f]{8} saved[\s\S]*Retention[\s\S]*Check:[\s\S]*Data check, part 1 of 10[\s\S]*Finished: ok/,
    );
    expect(statSync(path.join(h.dataDir, 'logs', job.id, `${first.runId}.log`)).isFile()).toBe(true);

    // the next runs: prune and the data check are not due again (weekly); retention keeps 2
    writeFileSync(path.join(source, 'deals.csv'), 'id,amount\n1,100\n2,250\n');
    const second = await runNow(h, job.id);
    const third = await runNow(h, job.id);
    expect(second.steps.prune).toBeUndefined();
    expect(second.steps.readData).toBeUndefined();
    expect(third.forgotten).toEqual([first.snapshotId]);

    // someone forgets the second snapshot by hand; someone else backs up with the job's tag
    const opened = await Repository.open(new LocalBackend(repo.dir), password);
    await forget(opened, {
      policy: { keepLast: 1 },
      tags: [jobTag(job.id)],
      groupBy: {},
      lock: { settleMs: 0 },
    });
    const stranger = await backup(opened, { paths: [source], tags: [jobTag(job.id)], workers: 1 });

    // a new Service on the same data folder: the history survived and is reconciled with the repository
    await h.service.close();
    const service2 = new Service({
      host: 'cli',
      dataDir: h.dataDir,
      settings: new MemorySettingsStore(),
      secrets: async () => h.secrets,
    });
    const history = await service2.jobHistory({ id: job.id });
    expect(history.repository).toEqual({ checked: true });
    const states = history.entries.map((e) =>
      e.kind === 'run'
        ? `${e.run.runId}:${e.snapshot}`
        : e.kind === 'found'
          ? `found:${e.snapshotId}`
          : 'drill',
    );
    expect(states).toEqual([
      `found:${stranger.snapshotId}`,
      `${third.runId}:present`,
      `${second.runId}:forgotten`,
      `${first.runId}:forgotten`,
    ]);
    // without the repository: what the history itself knows (the third run's retention removed the first)
    const offline = await service2.jobHistory({ id: job.id, reconcile: false });
    expect(offline.entries.map((e) => (e.kind === 'run' ? e.snapshot : e.kind))).toEqual([
      'unknown',
      'unknown',
      'forgotten',
    ]);
    expect((await service2.jobHistory({ id: job.id, reconcile: false, limit: 1 })).entries).toHaveLength(1);
    await service2.close();
  });

  it('cancel stops a run; it is recorded as cancelled and the repository stays valid', async () => {
    const h = harness();
    const repo = await newRepo('repo-cancel');
    const job = await h.service.saveJob({ job: draft(source, repo.dir), password });
    h.service.on('log', (line) => {
      if (line.message.startsWith('Backing up')) void h.service.cancelJob({ id: job.id });
    });
    const run = await runNow(h, job.id);
    expect(run).toMatchObject({ status: 'cancelled', snapshotId: null, error: { code: 'CANCELLED' } });
    expect(await h.service.cancelJob({ id: job.id })).toBe(false);
    expect((await h.service.listJobs())[0]!.status).toBe('idle');
    const report = await checkRepository(await Repository.open(new LocalBackend(repo.dir), password));
    expect(report.ok).toBe(true);
    await h.service.close();
  });

  it('retries a transient network failure, but not a wrong password or a revoked sign-in', async () => {
    const h = harness();
    const repo = await newRepo('repo-retry');
    const job = await h.service.saveJob({ job: draft(source, repo.dir), password });
    h.failOpens.push(new LifeboatError('NETWORK', 'The connection dropped.'));
    h.opens.count = 0;
    const retried = await runNow(h, job.id);
    expect(retried).toMatchObject({ status: 'ok', attempts: 2 });
    expect(h.opens.count).toBe(2);
    expect(
      (await h.service.runLog({ jobId: job.id, runId: retried.runId })).lines.some((l) =>
        /NETWORK.*trying again/.test(l.message),
      ),
    ).toBe(true);

    await h.secrets.set(secretAccounts.repositoryPassword(repo.id), 'not the password');
    h.opens.count = 0;
    const wrong = await runNow(h, job.id);
    expect(wrong).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'WRONG_PASSWORD' } });
    expect(h.opens.count).toBe(1);
    expect((await h.service.listJobs())[0]).toMatchObject({
      status: 'failed',
      lastError: { code: 'WRONG_PASSWORD' },
    });
    await h.service.close();

    const h2 = harness();
    const job2 = await h2.service.saveJob({ job: draft(source, repo.dir), password });
    h2.failOpens.push(
      new LifeboatError('AUTH_REQUIRED', 'Sign in again.'),
      new LifeboatError('QUOTA_EXCEEDED', 'Full.'),
    );
    h2.opens.count = 0;
    const auth = await runNow(h2, job2.id);
    expect(auth).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'AUTH_REQUIRED' } });
    const quota = await runNow(h2, job2.id);
    expect(quota).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'QUOTA_EXCEEDED' } });
    expect(h2.opens.count).toBe(2);
    await h2.service.close();
  });

  it("refuses a different repository at the job's place, and deleting a running job", async () => {
    const h = harness();
    const repo = await newRepo('repo-swap');
    const job = await h.service.saveJob({ job: draft(source, repo.dir), password });
    const other = await newRepo('repo-swap-other');
    // the folder now holds another repository (same password)
    await h.service.saveJob({ job: { ...draft(source, other.dir), id: job.id }, password });
    const moved = await h.service.getJob({ id: job.id });
    expect(moved.job.destination.repositoryId).toBe(other.id);
    const stored = JSON.parse(readFileSync(path.join(h.dataDir, 'jobs.json'), 'utf8')) as {
      jobs: { destination: { location: { path: string } } }[];
    };
    stored.jobs[0]!.destination.location.path = repo.dir;
    writeFileSync(path.join(h.dataDir, 'jobs.json'), JSON.stringify(stored));
    const run = await runNow(h, job.id);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'REPO_NOT_FOUND' } });

    const { done } = await h.service.jobManager.start(job.id, 'manual', null);
    await expect(h.service.deleteJob({ id: job.id })).rejects.toMatchObject({ code: 'BUSY' });
    expect(await h.service.runJobNow({ id: job.id })).toMatchObject({ alreadyRunning: true });
    await done;
    expect(await h.service.deleteJob({ id: job.id })).toBe(true);
    expect(await h.service.listJobs()).toEqual([]);
    await expect(h.service.jobHistory({ id: job.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await h.service.close();
  });

  it('copies every snapshot to the second destination, making up a copy that failed (restic-compatible, idempotent)', async () => {
    const h = harness();
    const repo = await newRepo('repo-primary');
    const copy = await newRepo('repo-copy');
    const job = await h.service.saveJob({
      job: draft(source, repo.dir, {
        copyTo: { location: { kind: 'local', path: copy.dir } },
        retention: { kind: 'custom', keepLast: 5 },
      }),
      password,
      copyToPassword: password,
    });
    expect(job.copyTo?.repositoryId).toBe(copy.id);
    const account = secretAccounts.repositoryPassword(copy.id);
    await h.secrets.delete(account);
    const first = await runNow(h, job.id);
    expect(first).toMatchObject({
      status: 'warning',
      steps: { backup: { status: 'ok' }, copy: { status: 'failed', error: { code: 'WRONG_PASSWORD' } } },
    });

    await h.secrets.set(account, password);
    const second = await runNow(h, job.id);
    expect(second).toMatchObject({ status: 'ok', steps: { copy: { status: 'ok', message: '2 copied' } } });
    const copied = await Repository.open(new LocalBackend(copy.dir), password);
    const snapshots = await copied.listSnapshots();
    expect(snapshots.map((s) => s.original)).toEqual([first.snapshotId, second.snapshotId]);
    expect((await checkRepository(copied, { readData: true })).ok).toBe(true);
    if (hasRestic) await resticOk(copy.dir, ['check', '--read-data'], { password });
    const again = await copySnapshot(
      await Repository.open(new LocalBackend(repo.dir), password),
      copied,
      second.snapshotId!,
    );
    expect(again).toMatchObject({ copied: false, snapshotId: snapshots[1]!.id });
    await h.service.close();
  });

  it('the structure check after the backup fails the run when the repository is damaged', async () => {
    const h = harness();
    const repo = await newRepo('repo-damaged');
    const job = await h.service.saveJob({
      job: draft(source, repo.dir, {
        checks: { afterBackup: true, readData: { every: 'never', percent: 10 } },
      }),
      password,
    });
    expect(await runNow(h, job.id)).toMatchObject({ status: 'ok' });
    const pack = filesUnder(path.join(repo.dir, 'data'))[0]!;
    rmSync(pack);
    const run = await runNow(h, job.id);
    expect(run).toMatchObject({
      status: 'failed',
      steps: { backup: { status: 'ok' }, check: { status: 'failed' } },
      error: { code: 'REPO_CORRUPT' },
    });
    expect(run.snapshotId).not.toBeNull();
    expect((await h.service.listJobs())[0]).toMatchObject({ status: 'failed' });
    await h.service.close();
  });

  it('jobs sharing a repository run one after the other (one writer per repository)', async () => {
    const h = harness();
    const repo = await newRepo('repo-shared');
    const a = await h.service.saveJob({ job: draft(source, repo.dir, { name: 'A' }), password });
    const b = await h.service.saveJob({ job: draft(source, repo.dir, { name: 'B' }), password });
    const runA = await h.service.jobManager.start(a.id, 'manual', null);
    const runB = await h.service.jobManager.start(b.id, 'manual', null);
    expect((await h.service.getJob({ id: b.id })).summary).toMatchObject({
      status: 'running',
      queued: true,
      runId: runB.runId,
    });
    const [doneA, doneB] = await Promise.all([runA.done, runB.done]);
    expect([doneA.status, doneB.status]).toEqual(['ok', 'ok']);
    expect(Date.parse(doneB.startedAt)).toBeGreaterThanOrEqual(Date.parse(doneA.finishedAt!));
    await h.service.close();
  });

  it('keeps secrets out of every file it writes', async () => {
    const h = harness();
    const repo = await newRepo('repo-secrets');
    const job = await h.service.saveJob({ job: draft(source, repo.dir), password });
    await runNow(h, job.id);
    await h.service.jobHistory({ id: job.id });
    for (const file of filesUnder(h.dataDir))
      expect(readFileSync(file, 'utf8'), file).not.toContain(password);
    await h.service.close();
  });
});
