/**
 * Two small files under the data folder for notifications:
 * - `notifications.json`: the app-wide notification settings (mail server, channels). Never a
 *   secret: the SMTP password, bot tokens and webhook secrets are in the SecretStore.
 * - `watchdog.json`: per job, the "no successful backup for N hours" episode already alerted about,
 *   so an alert goes out once per episode and not on every scheduler tick, across restarts.
 * Both are written atomically and re-read when they changed on disk (another host saved them). A
 * damaged settings file is set aside (never silently reset) and reported.
 */
import { readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { notificationSettingsSchema, type NotificationSettingsData } from '../../shared/jobs.ts';
import { writeFileAtomic } from './atomic-file.ts';
import type { WatchdogState } from './notify/index.ts';

export const emptyNotificationSettings: NotificationSettingsData = { smtp: null, channels: [] };

const settingsEnvelope = z.object({ version: z.literal(1), settings: notificationSettingsSchema });
const watchdogEnvelope = z.object({
  version: z.literal(1),
  jobs: z.record(
    z.string(),
    z.object({ alertedFor: z.string().optional(), alertedAt: z.string().optional() }),
  ),
});

async function signature(file: string): Promise<string | undefined> {
  const st = await stat(file).catch(() => undefined);
  return st ? `${st.mtimeMs}:${st.size}:${st.ino}` : undefined;
}

export class NotificationSettingsStore {
  readonly file: string;
  #cached: { signature: string | undefined; settings: NotificationSettingsData } | undefined;
  /** Set when a damaged file was set aside: where it was kept. */
  problem: string | undefined;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'notifications.json');
  }

  async get(): Promise<NotificationSettingsData> {
    const sig = await signature(this.file);
    if (this.#cached && this.#cached.signature === sig) return structuredClone(this.#cached.settings);
    let settings = emptyNotificationSettings;
    if (sig !== undefined) {
      try {
        settings = settingsEnvelope.parse(JSON.parse(await readFile(this.file, 'utf8'))).settings;
      } catch (err) {
        const keptAt = `${this.file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        await rename(this.file, keptAt).catch(() => undefined);
        this.problem = `The notification settings could not be read (${err instanceof Error ? err.message.split('\n')[0] : String(err)}). Kept at ${keptAt}.`;
      }
    }
    this.#cached = { signature: await signature(this.file), settings };
    return structuredClone(settings);
  }

  async put(settings: NotificationSettingsData): Promise<void> {
    const parsed = notificationSettingsSchema.parse(settings);
    await writeFileAtomic(this.file, JSON.stringify({ version: 1, settings: parsed }, null, 2) + '\n');
    this.#cached = { signature: await signature(this.file), settings: parsed };
  }
}

export class WatchdogStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'watchdog.json');
  }

  async read(): Promise<Record<string, WatchdogState>> {
    try {
      const jobs = watchdogEnvelope.parse(JSON.parse(await readFile(this.file, 'utf8'))).jobs;
      const out: Record<string, WatchdogState> = {};
      for (const [id, s] of Object.entries(jobs)) {
        out[id] = {
          ...(s.alertedFor !== undefined ? { alertedFor: s.alertedFor } : {}),
          ...(s.alertedAt !== undefined ? { alertedAt: s.alertedAt } : {}),
        };
      }
      return out;
    } catch {
      return {}; // none yet, or damaged: at worst one alert is repeated
    }
  }

  async write(jobs: Record<string, WatchdogState>): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify({ version: 1, jobs }, null, 2) + '\n');
  }
}
