/**
 * Repository locks (locks/<id>), compatible with restic: many non-exclusive locks or one exclusive
 * lock. A lock is stale when older than 30 minutes, or when it was made on this host by a process
 * that no longer exists. Held locks are refreshed every 5 minutes by writing a new file and
 * removing the old one, as restic does.
 */
import { hostname as osHostname, userInfo } from 'node:os';
import { LifeboatError } from '../../shared/errors.ts';
import { mapLimit } from './concurrency.ts';
import { formatGoTime, nowNs, parseGoTime } from './go-time.ts';
import type { Repository } from './repository.ts';

export interface LockInfo {
  time: string;
  exclusive: boolean;
  hostname: string;
  username: string;
  pid: number;
  uid?: number;
  gid?: number;
}

export interface ListedLock {
  id: string;
  lock: LockInfo;
  stale: boolean;
}

export const staleLockMs = 30 * 60 * 1000;
export const refreshIntervalMs = 5 * 60 * 1000;

export interface LockOptions {
  exclusive?: boolean;
  /** Pause between writing our lock and re-checking for rivals (restic: 200 ms). */
  settleMs?: number;
  /** Refresh period; 0 disables automatic refresh. */
  refreshMs?: number;
  /**
   * Return as soon as our lock file is written; the re-check after `settleMs` runs meanwhile and
   * settles `RepoLock.confirmed` (rejected with REPO_LOCKED, the lock released, on a conflict). For
   * callers that only need the lock confirmed before they commit (a backup, before its snapshot).
   */
  confirmLater?: boolean;
  /** For tests: pretend to be another host or process. */
  hostname?: string;
  pid?: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM'; // exists, but not ours to signal
  }
}

export function isStale(lock: LockInfo, now = Date.now(), host = osHostname()): boolean {
  let created: number;
  try {
    created = Number(parseGoTime(lock.time) / 1_000_000n);
  } catch {
    return true;
  }
  if (now - created > staleLockMs) return true;
  if (lock.hostname !== host) return false;
  return !processAlive(lock.pid);
}

export async function listLocks(repo: Repository): Promise<ListedLock[]> {
  const files = (await repo.backend.list('locks')).filter((f) => f.size > 0);
  const out = await mapLimit(files, 8, async (f): Promise<ListedLock | undefined> => {
    try {
      const lock = await repo.loadUnpacked<LockInfo>('locks', f.name);
      return { id: f.name, lock, stale: isStale(lock) };
    } catch (err) {
      if (err instanceof LifeboatError && err.code === 'NOT_FOUND') return undefined; // removed meanwhile
      throw err;
    }
  });
  return out.filter((l): l is ListedLock => l !== undefined);
}

/** Removes stale locks (like `restic unlock`); with `all`, every lock. Returns how many. */
export async function removeLocks(repo: Repository, opts: { all?: boolean } = {}): Promise<number> {
  let n = 0;
  for (const l of await listLocks(repo)) {
    if (opts.all || l.stale) {
      await repo.backend.remove('locks', l.id);
      n++;
    }
  }
  return n;
}

/**
 * Locks left by a crashed Lifeboat or restic on this computer (its process is gone) are removed, so a
 * killed backup does not block the next run, nor restic, for 30 minutes. Other hosts' locks stay.
 */
async function removeDeadLocalLocks(repo: Repository, locks: ListedLock[]): Promise<ListedLock[]> {
  const host = osHostname();
  const alive: ListedLock[] = [];
  for (const l of locks) {
    if (l.stale && l.lock.hostname === host) await repo.backend.remove('locks', l.id).catch(() => undefined);
    else alive.push(l);
  }
  return alive;
}

function describe(l: LockInfo): string {
  return `${l.exclusive ? 'an exclusive' : 'a'} lock held by PID ${l.pid} on ${l.hostname} (${l.username}) since ${l.time}`;
}

function conflict(other: ListedLock): LifeboatError {
  return new LifeboatError('REPO_LOCKED', `The repository is locked: ${describe(other.lock)}.`, {
    hint: 'Wait for the other backup or maintenance to finish. A lock left by a crashed program expires after 30 minutes.',
    details: `lock ${other.id}`,
  });
}

export class RepoLock {
  readonly repo: Repository;
  readonly info: LockInfo;
  private currentId: string;
  private timer: NodeJS.Timeout | undefined;
  private released = false;
  /** Settles when the re-check for rivals has passed (see LockOptions.confirmLater). */
  confirmed: Promise<void> = Promise.resolve();

  constructor(repo: Repository, info: LockInfo, id: string) {
    this.repo = repo;
    this.info = info;
    this.currentId = id;
  }

  get id(): string {
    return this.currentId;
  }

  startRefresh(ms: number): void {
    if (ms <= 0) return;
    this.timer = setInterval(() => {
      this.refresh().catch(() => undefined); // a failed refresh is retried at the next tick
    }, ms);
    this.timer.unref();
  }

  /** Writes a fresh lock file with the current time, then removes the previous one. */
  async refresh(): Promise<void> {
    if (this.released) return;
    this.info.time = formatGoTime(nowNs());
    const newId = await this.repo.saveUnpacked('locks', lockJson(this.info));
    const old = this.currentId;
    this.currentId = newId;
    await this.repo.backend.remove('locks', old);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    await this.repo.backend.remove('locks', this.currentId);
  }
}

function lockJson(l: LockInfo): object {
  // restic's field order; uid/gid are omitempty
  return {
    time: l.time,
    exclusive: l.exclusive,
    hostname: l.hostname,
    username: l.username,
    pid: l.pid,
    uid: l.uid || undefined,
    gid: l.gid || undefined,
  };
}

function checkConflicts(locks: ListedLock[], exclusive: boolean, ownId?: string): void {
  for (const other of locks) {
    if (other.id === ownId || other.stale) continue;
    if (exclusive || other.lock.exclusive) throw conflict(other);
  }
}

/** Takes a lock, or fails with REPO_LOCKED naming the holder. */
export async function lockRepository(repo: Repository, opts: LockOptions = {}): Promise<RepoLock> {
  const exclusive = opts.exclusive ?? false;
  checkConflicts(await removeDeadLocalLocks(repo, await listLocks(repo)), exclusive);
  let user = { username: '', uid: 0, gid: 0 };
  try {
    const u = userInfo();
    user = { username: u.username, uid: Math.max(u.uid, 0), gid: Math.max(u.gid, 0) };
  } catch {
    // no passwd entry: leave the user empty
  }
  const info: LockInfo = {
    time: formatGoTime(nowNs()),
    exclusive,
    hostname: opts.hostname ?? osHostname(),
    username: user.username,
    pid: opts.pid ?? process.pid,
    uid: user.uid,
    gid: user.gid,
  };
  const id = await repo.saveUnpacked('locks', lockJson(info));
  const lock = new RepoLock(repo, info, id);
  lock.startRefresh(opts.refreshMs ?? refreshIntervalMs);
  // Two clients may have checked at the same moment: wait, look again, and back off on conflict.
  lock.confirmed = (async () => {
    await new Promise((r) => setTimeout(r, opts.settleMs ?? 200));
    try {
      checkConflicts(await listLocks(repo), exclusive, id);
    } catch (err) {
      await lock.release().catch(() => undefined);
      throw err;
    }
  })();
  if (opts.confirmLater)
    lock.confirmed.catch(() => undefined); // the caller awaits it later
  else await lock.confirmed;
  return lock;
}

/** Runs `fn` holding a lock, releasing it afterwards whatever happens. */
export async function withLock<T>(
  repo: Repository,
  opts: LockOptions,
  fn: (lock: RepoLock) => Promise<T>,
): Promise<T> {
  const lock = await lockRepository(repo, opts);
  try {
    return await fn(lock);
  } finally {
    await lock.release().catch(() => undefined);
  }
}
