/**
 * Two JobStore instances on one data folder stand for two processes (the desktop app and
 * `lifeboat job …` in a terminal): they share nothing but the files. Their writes interleave at
 * every await; neither may lose the other's change, and a lock left by a dead process must not
 * block the jobs file for good.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobDefaults } from '../../../src/engine/jobs/job-draft.ts';
import { JobStore } from '../../../src/engine/jobs/job-store.ts';
import type { Job } from '../../../src/shared/jobs.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'lb-jobs-race-'));

const job = (id: string, over: Partial<Job> = {}): Job => ({
  ...jobDefaults,
  id,
  name: `Job ${id}`,
  sources: [{ kind: 'folder', path: '/srv/crm', excludes: [] }],
  destination: { location: { kind: 'local', path: '/backup' }, repositoryId: 'a'.repeat(64) },
  copyTo: null,
  schedule: { kind: 'daily', at: '02:00' },
  createdAt: '2026-05-01T10:00:00.000Z',
  updatedAt: '2026-05-01T10:00:00.000Z',
  ...over,
});

describe('job store shared by two processes', () => {
  it('interleaved writes from two instances keep every job', async () => {
    const dir = tmp();
    const app = new JobStore(dir);
    const cli = new JobStore(dir);
    await app.list(); // both have read the (empty) file before anyone writes
    await cli.list();
    await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => app.put(job(`app-${i}`))),
      ...Array.from({ length: 12 }, (_, i) => cli.put(job(`cli-${i}`))),
    ]);
    const ids = (await new JobStore(dir).list()).map((j) => j.id).sort();
    expect(ids).toHaveLength(24);
    expect(ids).toEqual(expect.arrayContaining(['app-0', 'app-11', 'cli-0', 'cli-11']));
    expect(existsSync(path.join(dir, 'jobs.json.lock'))).toBe(false);
  });

  it('pausing a job while another process edits it keeps both changes', async () => {
    const dir = tmp();
    const app = new JobStore(dir);
    const cli = new JobStore(dir);
    await app.put(job('j1'));
    expect(await cli.get('j1')).toBeDefined(); // the CLI holds a copy from before the pause
    await Promise.all([
      app.update('j1', (j) => ({ ...j, enabled: false })),
      cli.update('j1', (j) => ({ ...j, name: 'Shop database' })),
    ]);
    const saved = await new JobStore(dir).get('j1');
    expect(saved).toMatchObject({ enabled: false, name: 'Shop database' });
    expect(await cli.update('missing', (j) => j)).toBeUndefined();
  });

  it('a lock left by a process that died is taken over; a live one makes writers wait', async () => {
    const dir = tmp();
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
        .stdout,
    );
    const lock = path.join(dir, 'jobs.json.lock');
    writeFileSync(lock, JSON.stringify({ pid: dead, hostname: hostname(), token: 'x' }));
    const store = new JobStore(dir);
    await store.put(job('j1'));
    expect(existsSync(lock)).toBe(false);

    writeFileSync(lock, JSON.stringify({ pid: process.pid, hostname: hostname(), token: 'held' }));
    let done = false;
    const waiting = store.put(job('j2')).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toBe(false); // waits for the holder
    rmSync(lock);
    await waiting;
    expect((await new JobStore(dir).list()).map((j) => j.id)).toEqual(['j1', 'j2']);
  });
});
