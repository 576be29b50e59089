/**
 * One scheduler per data folder. The desktop app and `lifeboat serve` may both be running for the
 * same user; if both ran the scheduler, every job would run twice. The first to start holds
 * `scheduler.lock`; the other stays on standby and takes over when the holder's process is gone
 * (same computer) or its heartbeat (the file's mtime, touched on every tick) is older than 10 min.
 */
import { hostname as osHostname } from 'node:os';
import { mkdir, open, readFile, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from './history-store.ts';

export const schedulerLockStaleMs = 10 * 60 * 1000;

interface Holder {
  pid: number;
  hostname: string;
  instance: string;
  since: string;
}

export class SchedulerLock {
  readonly file: string;
  readonly #instance: string;
  #held = false;

  constructor(dataDir: string, instance: string) {
    this.file = path.join(dataDir, 'scheduler.lock');
    this.#instance = instance;
  }

  get held(): boolean {
    return this.#held;
  }

  /** Takes or keeps the lock (refreshing the heartbeat); false while another live scheduler holds it. */
  async acquire(): Promise<boolean> {
    const now = new Date(); // real time even under a test clock: this is about live processes
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(this.file, 'wx', 0o600);
        const holder: Holder = {
          pid: process.pid,
          hostname: osHostname(),
          instance: this.#instance,
          since: now.toISOString(),
        };
        await handle.writeFile(JSON.stringify(holder));
        await handle.close();
        this.#held = true;
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = await this.#holder();
      if (holder?.instance === this.#instance) {
        await utimes(this.file, now, now).catch(() => undefined);
        this.#held = true;
        return true;
      }
      if (!(await this.#stale(holder, now))) break;
      await rm(this.file, { force: true }); // then try once more to create it
    }
    this.#held = false;
    return false;
  }

  async release(): Promise<void> {
    if ((await this.#holder())?.instance === this.#instance) await rm(this.file, { force: true });
    this.#held = false;
  }

  async #holder(): Promise<Holder | undefined> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as Holder;
    } catch {
      return undefined;
    }
  }

  async #stale(holder: Holder | undefined, now: Date): Promise<boolean> {
    if (!holder || typeof holder.pid !== 'number') return true; // torn or foreign content
    if (holder.hostname === osHostname() && !processAlive(holder.pid)) return true;
    const st = await stat(this.file).catch(() => undefined);
    return !st || now.getTime() - st.mtimeMs > schedulerLockStaleMs;
  }
}
