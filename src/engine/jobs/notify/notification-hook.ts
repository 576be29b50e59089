/**
 * Notifications as a RunHooks implementation for the job manager: after every finished run,
 * render it in the user's language and send it to the job's channels. Settings are read per run,
 * so a changed SMTP server or language applies at once. notify() never throws; the per-channel
 * results go to `onResults` (the run log, the UI's "last notification" line).
 */
import type { Job, JobRun } from '../../../shared/jobs.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import type { RunHooks } from '../hooks.ts';
import type { ChannelResult, NotifyChannel } from './channels.ts';
import type { Language } from './format.ts';
import { channelsForJob, outcomeFromJobRun } from './from-job.ts';
import type { SmtpServer } from './from-job.ts';
import { notify } from './notify.ts';
import type { NotifyOptions } from './notify.ts';

export interface NotificationSettings {
  language: Language;
  smtp?: SmtpServer;
  /** App-wide webhook and Telegram channels. */
  channels?: readonly NotifyChannel[];
  timeZone?: string;
}

export interface NotificationHookOptions {
  secrets: SecretStore;
  settings: () => NotificationSettings | Promise<NotificationSettings>;
  nextRunAt?: (job: Job) => Date | null;
  onResults?: (run: JobRun, results: ChannelResult[]) => void;
  /** Passed through to notify() (timeouts, Telegram address, diagnostic log). */
  notify?: Omit<NotifyOptions, 'language' | 'secrets' | 'timeZone'>;
}

export function notificationHook(opts: NotificationHookOptions): RunHooks {
  return {
    async onRunFinished(run: JobRun, { job }: { job: Job }): Promise<void> {
      const settings = await opts.settings();
      const nextRunAt = opts.nextRunAt?.(job);
      const outcome = outcomeFromJobRun(run, job, {
        language: settings.language,
        ...(nextRunAt !== undefined ? { nextRunAt } : {}),
      });
      if (!outcome) return;
      const channels = channelsForJob(job, settings);
      if (channels.length === 0) return;
      const results = await notify(outcome, channels, {
        ...opts.notify,
        language: settings.language,
        secrets: opts.secrets,
        ...(settings.timeZone ? { timeZone: settings.timeZone } : {}),
      });
      opts.onResults?.(run, results);
    },
  };
}
