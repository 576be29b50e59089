import { hostname } from 'node:os';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatGoTime, nowNs } from '../../../src/engine/repo/go-time.ts';
import { isStale, listLocks, lockRepository, removeLocks } from '../../../src/engine/repo/lock.ts';
import type { LockInfo } from '../../../src/engine/repo/lock.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { MemoryBackend } from './memory-backend.ts';

const fast = { settleMs: 0, refreshMs: 0 };
let repo: Repository;

beforeEach(async () => {
  repo = await Repository.init(new MemoryBackend(), 'pw', { kdf: { N: 1024, r: 8, p: 1 } });
});

/** A lock written as another client would. */
async function foreignLock(over: Partial<LockInfo> = {}): Promise<string> {
  const lock: LockInfo = {
    time: formatGoTime(nowNs()),
    exclusive: false,
    hostname: 'other-pc',
    username: 'anna',
    pid: 4242,
    ...over,
  };
  return repo.saveUnpacked('locks', lock);
}

describe('locks', () => {
  it('allows several shared locks, refuses exclusive ones while others exist', async () => {
    await foreignLock();
    const mine = await lockRepository(repo, fast);
    await expect(lockRepository(repo, { ...fast, exclusive: true })).rejects.toMatchObject({
      code: 'REPO_LOCKED',
      message: expect.stringContaining('other-pc'),
    });
    await mine.release();
    expect((await listLocks(repo)).length).toBe(1);
  });

  it('refuses any lock while another client holds an exclusive one, naming who', async () => {
    await foreignLock({ exclusive: true, username: 'boris', pid: 777 });
    const err = await lockRepository(repo, fast).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REPO_LOCKED' });
    expect(String((err as Error).message)).toMatch(/exclusive lock held by PID 777 on other-pc \(boris\)/);
  });

  it('ignores and removes stale locks (old, or a dead process on this host)', async () => {
    const old = formatGoTime(nowNs() - 31n * 60n * 1_000_000_000n);
    await foreignLock({ exclusive: true, time: old });
    await foreignLock({ exclusive: true, hostname: hostname(), pid: 2 ** 22 + 12345 }); // no such pid
    const locks = await listLocks(repo);
    expect(locks.map((l) => l.stale)).toEqual([true, true]);
    const mine = await lockRepository(repo, { ...fast, exclusive: true });
    // Taking a lock clears the dead local one at once; the other host's old lock is left to unlock.
    expect((await listLocks(repo)).some((l) => l.lock.hostname === hostname() && l.lock.pid !== process.pid)).toBe(false);
    expect(await removeLocks(repo)).toBe(1);
    expect((await listLocks(repo)).map((l) => l.id)).toEqual([mine.id]);
    await mine.release();
  });

  it('treats a recent lock of a live process on this host as held', () => {
    const info: LockInfo = {
      time: formatGoTime(nowNs()),
      exclusive: true,
      hostname: hostname(),
      username: 'x',
      pid: process.pid,
    };
    expect(isStale(info)).toBe(false);
    expect(isStale({ ...info, hostname: 'elsewhere', pid: 1 })).toBe(false);
  });

  it('refresh writes a new lock file and removes the old one', async () => {
    const lock = await lockRepository(repo, fast);
    const first = lock.id;
    await new Promise((r) => setTimeout(r, 5));
    await lock.refresh();
    expect(lock.id).not.toBe(first);
    expect((await listLocks(repo)).map((l) => l.id)).toEqual([lock.id]);
    await lock.release();
    expect(await listLocks(repo)).toEqual([]);
  });
});
