/**
 * A short lock between processes around a read-modify-write of one small file (jobs.json): the
 * desktop app, `lifeboat serve` and the CLI may all change jobs, and each must re-read the file and
 * write it back while nobody else does, or one of the two changes is silently lost.
 *
 * The lock is a file created with O_EXCL next to the guarded one. It is held for milliseconds; a lock
 * left by a process that died (same computer) or older than `staleMs` is taken over.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { LifeboatError } from '../../shared/errors.ts';
import { processAlive } from './history-store.ts';

interface Holder {
  pid: number;
  hostname: string;
  token: string;
}

export interface FileLockOptions {
  /** A lock older than this is left over from a hung or crashed writer. */
  staleMs?: number;
  /** Give up (BUSY) after waiting this long. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readHolder(lockFile: string): Promise<{ text: string; holder?: Holder } | undefined> {
  try {
    const text = await readFile(lockFile, 'utf8');
    try {
      return { text, holder: JSON.parse(text) as Holder };
    } catch {
      return { text }; // being written right now, or torn: judged by its age
    }
  } catch {
    return undefined;
  }
}

async function isStale(lockFile: string, holder: Holder | undefined, staleMs: number): Promise<boolean> {
  if (holder && holder.hostname === hostname() && !processAlive(holder.pid)) return true;
  const st = await stat(lockFile).catch(() => undefined);
  return st !== undefined && Date.now() - st.mtimeMs > staleMs;
}

/** Runs `work` while holding `lockFile`; waits (briefly) for another holder to finish. */
export async function withFileLock<T>(
  lockFile: string,
  work: () => Promise<T>,
  { staleMs = 30_000, timeoutMs = 20_000 }: FileLockOptions = {},
): Promise<T> {
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + timeoutMs;
  await mkdir(path.dirname(lockFile), { recursive: true, mode: 0o700 });
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, hostname: hostname(), token }));
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = await readHolder(lockFile);
    if (seen && (await isStale(lockFile, seen.holder, staleMs))) {
      // Remove it only if it is still the same leftover (another waiter may have replaced it already).
      if ((await readHolder(lockFile))?.text === seen.text) await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new LifeboatError('BUSY', `Another Lifeboat process is changing ${path.basename(lockFile)}.`);
    }
    await sleep(wait + Math.random() * wait);
  }
  try {
    return await work();
  } finally {
    if ((await readHolder(lockFile))?.holder?.token === token) await rm(lockFile, { force: true });
  }
}
