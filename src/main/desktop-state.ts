import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../engine/jobs/atomic-file.ts';
import { log } from './log.ts';

/**
 * Small facts only the desktop host cares about, kept in `desktop-state.json` under the data folder so
 * the Service's settings contract (shared with the CLI and the headless host) does not grow for them.
 */
export interface DesktopFlags {
  /** The "Lifeboat keeps running in the tray" notice was shown once; never again. */
  trayNoticeShown: boolean;
  /** Launch at login was switched on by the first run; from then on only the user changes it. */
  launchAtLoginDefaulted: boolean;
}

const defaults: DesktopFlags = { trayNoticeShown: false, launchAtLoginDefaulted: false };

export const desktopStateFile = (dataDir: string): string => path.join(dataDir, 'desktop-state.json');

/** Field by field, so a hand-edited or older file keeps what is still valid. */
function parse(text: string): DesktopFlags {
  const raw: unknown = JSON.parse(text);
  const flags = { ...defaults };
  if (raw && typeof raw === 'object') {
    for (const key of Object.keys(defaults) as (keyof DesktopFlags)[]) {
      const value = (raw as Record<string, unknown>)[key];
      if (typeof value === 'boolean') flags[key] = value;
    }
  }
  return flags;
}

export class DesktopState {
  readonly file: string;
  #flags: DesktopFlags;
  #writing: Promise<void> = Promise.resolve();

  /** Read synchronously: a few bytes, needed before the first window decision. */
  constructor(dataDir: string) {
    this.file = desktopStateFile(dataDir);
    this.#flags = { ...defaults };
    try {
      this.#flags = parse(fs.readFileSync(this.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        log.warn('desktop-state.json is unreadable; starting from defaults:', err);
      }
    }
  }

  get(): Readonly<DesktopFlags> {
    return { ...this.#flags };
  }

  /**
   * Changes the flags in memory at once (so a second close a moment later already sees them) and on
   * disk in order, atomically. Resolves when this change is on disk; never rejects (logged instead).
   */
  update(patch: Partial<DesktopFlags>): Promise<void> {
    this.#flags = { ...this.#flags, ...patch };
    const content = `${JSON.stringify(this.#flags, null, 2)}\n`;
    this.#writing = this.#writing
      .then(() => writeFileAtomic(this.file, content))
      .catch((err: unknown) => log.warn('Could not save desktop-state.json:', err));
    return this.#writing;
  }
}
