/**
 * Notifications wired into the job system: the app-wide settings (notification-store.ts) with their
 * secrets in the SecretStore, the RunHooks that notify after every run and every restore drill
 * according to the job's rules (notify/notificationHook, drill/outcomeFromDrill), the watchdog the
 * scheduler runs on every tick, and the "send a test message" button.
 *
 * The SecretStore is opened only when there is something to send (a job without channels never
 * touches the keychain), and the settings are read at every use, so a change applies at once.
 * Results per channel go to the run's log; errors never fail a run.
 */
import { hostname as osHostname } from 'node:os';
import { LifeboatError, toErrorInfo } from '../../shared/errors.ts';
import type { ChannelResultInfo, DrillRecord, Job, NotificationSettingsData } from '../../shared/jobs.ts';
import type { NotificationSettingsView, OperationInput } from '../../shared/contract.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { outcomeFromDrill } from './drill/index.ts';
import type { DrillReport } from './drill/index.ts';
import type { HookLog, RunHooks } from './hooks.ts';
import type { JobManager } from './job-manager.ts';
import { NotificationSettingsStore, WatchdogStore } from './notification-store.ts';
import {
  channelsForJob,
  checkWatchdog,
  destinationText,
  notificationHook,
  notify,
  notifyAccounts,
  sendTestNotification,
} from './notify/index.ts';
import type {
  ChannelResult,
  Language,
  NotificationSettings,
  NotifyChannel,
  NotifyOptions,
  RunOutcome,
  WatchdogState,
} from './notify/index.ts';

export type NotifyTuning = Omit<NotifyOptions, 'language' | 'secrets' | 'timeZone' | 'now'>;

export interface NotifierOptions {
  dataDir: string;
  secrets: () => Promise<SecretStore>;
  /** The user's language, read at every message. */
  language: () => Language;
  now: () => Date;
  /** Lines for the UI's live log that belong to no run (the watchdog). */
  log: (jobId: string | null, level: 'info' | 'warn' | 'error', message: string) => void;
  /** Timeouts, the Telegram address (tests). */
  tuning?: NotifyTuning;
}

/** The settings as the notify module takes them: app-wide e-mail channels get the mail server. */
export function runtimeSettings(data: NotificationSettingsData, language: Language): NotificationSettings {
  const smtp = data.smtp
    ? {
        host: data.smtp.host,
        port: data.smtp.port,
        security: data.smtp.security,
        from: data.smtp.from,
        ...(data.smtp.user ? { user: data.smtp.user } : {}),
        ...(data.smtp.caPem ? { caPem: data.smtp.caPem } : {}),
      }
    : undefined;
  const channels: NotifyChannel[] = [];
  for (const c of data.channels) {
    const rules = c.rules ? { rules: c.rules } : {};
    if (c.kind === 'email') {
      if (smtp) channels.push({ ...smtp, kind: 'email', id: c.id, to: [...c.to], ...rules });
    } else if (c.kind === 'webhook') {
      channels.push({ kind: 'webhook', id: c.id, url: c.url, ...(c.auth ? { auth: c.auth } : {}), ...rules });
    } else {
      channels.push({ kind: 'telegram', id: c.id, chatId: c.chatId, ...rules });
    }
  }
  return { language, ...(smtp ? { smtp } : {}), channels };
}

function describeResults(results: readonly ChannelResult[]): { level: 'info' | 'warn'; message: string }[] {
  return results
    .filter((r) => !r.skipped)
    .map((r) =>
      r.ok
        ? { level: 'info' as const, message: `Notification ${r.kind}:${r.channel} sent.` }
        : {
            level: 'warn' as const,
            message: `Notification ${r.kind}:${r.channel} could not be sent: ${r.error ? `${r.error.code}: ${r.error.message}${r.error.hint ? ` (${r.error.hint})` : ''}` : 'unknown error'}`,
          },
    );
}

const toResultInfo = (r: ChannelResult): ChannelResultInfo => ({
  channel: r.channel,
  kind: r.kind,
  ok: r.ok,
  skipped: r.skipped,
  attempts: r.attempts,
  ...(r.error ? { error: r.error } : {}),
});

export class Notifier {
  readonly settingsStore: NotificationSettingsStore;
  readonly watchdogStore: WatchdogStore;
  readonly #o: NotifierOptions;
  #watching: Promise<void> = Promise.resolve();
  readonly #sending = new Set<Promise<void>>();

  constructor(options: NotifierOptions) {
    this.#o = options;
    this.settingsStore = new NotificationSettingsStore(options.dataDir);
    this.watchdogStore = new WatchdogStore(options.dataDir);
  }

  async #runtime(): Promise<NotificationSettings> {
    return runtimeSettings(await this.settingsStore.get(), this.#o.language());
  }

  #notifyOptions(secrets: SecretStore): NotifyOptions {
    return { ...this.#o.tuning, language: this.#o.language(), secrets, now: this.#o.now() };
  }

  // ---- settings ----

  async view(): Promise<NotificationSettingsView> {
    const settings = await this.settingsStore.get();
    const secrets = await this.#o.secrets();
    const has = async (account: string): Promise<boolean> => (await secrets.get(account)) !== undefined;
    const ids = async (kind: 'telegram' | 'webhook', account: (id: string) => string): Promise<string[]> => {
      const out: string[] = [];
      for (const c of settings.channels) if (c.kind === kind && (await has(account(c.id)))) out.push(c.id);
      return out;
    };
    return {
      settings,
      secrets: {
        smtpPassword: settings.smtp?.user
          ? await has(notifyAccounts.smtpPassword(settings.smtp.host, settings.smtp.user))
          : false,
        telegramTokens: await ids('telegram', notifyAccounts.telegramBotToken),
        webhookSecrets: await ids('webhook', notifyAccounts.webhookSecret),
      },
    };
  }

  /**
   * Saves the settings; the secrets go to the SecretStore (a string stores, null deletes, absent
   * keeps). Secrets of channels that were removed, and the password of a mail login that changed,
   * are deleted, so nothing lingers in the keychain.
   */
  async save(input: OperationInput<'saveNotificationSettings'>): Promise<NotificationSettingsView> {
    const next = input.settings;
    const previous = await this.settingsStore.get();
    const smtpAccount = (s: NotificationSettingsData['smtp']): string | undefined =>
      s?.user ? notifyAccounts.smtpPassword(s.host, s.user) : undefined;
    const nextAccount = smtpAccount(next.smtp);
    if (input.smtpPassword && !nextAccount) {
      throw new LifeboatError('INVALID_ARGUMENT', 'A mail password needs a mail server and a user name.', {
        hint: 'Fill in the server and the login name, or leave the password empty for a relay without login.',
      });
    }
    const webhooks = new Set(next.channels.filter((c) => c.kind === 'webhook').map((c) => c.id));
    const telegrams = next.channels.filter((c) => c.kind === 'telegram').map((c) => c.id);
    for (const [id, secret] of Object.entries(input.webhookSecrets ?? {})) {
      if (secret !== null && !webhooks.has(id)) {
        throw new LifeboatError('INVALID_ARGUMENT', `There is no webhook channel "${id}" for this secret.`);
      }
    }
    if (input.telegramToken && telegrams.length === 0) {
      throw new LifeboatError(
        'INVALID_ARGUMENT',
        'A Telegram bot token needs a Telegram channel (a chat id).',
      );
    }

    const secrets = await this.#o.secrets();
    const previousAccount = smtpAccount(previous.smtp);
    if (previousAccount && previousAccount !== nextAccount) await secrets.delete(previousAccount);
    if (nextAccount && input.smtpPassword !== undefined) {
      if (input.smtpPassword === null) await secrets.delete(nextAccount);
      else await secrets.set(nextAccount, input.smtpPassword);
    }
    for (const id of telegrams) {
      if (input.telegramToken === null) await secrets.delete(notifyAccounts.telegramBotToken(id));
      else if (input.telegramToken)
        await secrets.set(notifyAccounts.telegramBotToken(id), input.telegramToken);
    }
    for (const [id, secret] of Object.entries(input.webhookSecrets ?? {})) {
      if (secret === null) await secrets.delete(notifyAccounts.webhookSecret(id));
      else await secrets.set(notifyAccounts.webhookSecret(id), secret);
    }
    // Channels that are gone (or changed kind) take their secrets with them.
    for (const old of previous.channels) {
      const still = next.channels.find((c) => c.id === old.id && c.kind === old.kind);
      if (still) continue;
      if (old.kind === 'telegram') await secrets.delete(notifyAccounts.telegramBotToken(old.id));
      if (old.kind === 'webhook') await secrets.delete(notifyAccounts.webhookSecret(old.id));
    }
    await this.settingsStore.put(next);
    return this.view();
  }

  /**
   * Sends a test message through one channel, or through every app-wide channel. `email:<jobId>` is a
   * job's own recipients through the mail server.
   */
  async test(channelId: string | undefined, jobs: () => Promise<Job[]>): Promise<ChannelResultInfo[]> {
    const data = await this.settingsStore.get();
    const runtime = runtimeSettings(data, this.#o.language());
    let channels: NotifyChannel[];
    let jobName = osHostname();
    if (channelId === undefined) {
      channels = [...(runtime.channels ?? [])];
      if (channels.length === 0) {
        throw new LifeboatError('NOT_FOUND', 'No notification channel is set up.', {
          hint: data.channels.length
            ? 'The e-mail channels need a mail server: set it up first.'
            : 'Add an e-mail address, a webhook or a Telegram chat in the notification settings.',
        });
      }
    } else if (channelId.startsWith('email:')) {
      const job = (await jobs()).find((j) => j.id === channelId.slice('email:'.length));
      if (!job) throw new LifeboatError('NOT_FOUND', `There is no job for the channel ${channelId}.`);
      const channel = channelsForJob(job, runtime).find((c) => c.id === channelId);
      if (!channel) {
        throw new LifeboatError('INVALID_ARGUMENT', `The job "${job.name}" sends no e-mail.`, {
          hint: runtime.smtp ? 'Add recipients to the job.' : 'Set up the mail server first.',
        });
      }
      channels = [channel];
      jobName = job.name;
    } else {
      const configured = data.channels.find((c) => c.id === channelId);
      if (!configured) {
        throw new LifeboatError('NOT_FOUND', `There is no notification channel "${channelId}".`, {
          hint: `Channels: ${data.channels.map((c) => c.id).join(', ') || 'none yet'}.`,
        });
      }
      const channel = runtime.channels?.find((c) => c.id === channelId);
      if (!channel) {
        throw new LifeboatError('INVALID_ARGUMENT', 'E-mail needs a mail server, and none is set up.', {
          hint: 'Enter the SMTP server, port, security and sender address.',
        });
      }
      channels = [channel];
    }
    const secrets = await this.#o.secrets();
    const results: ChannelResultInfo[] = [];
    for (const channel of channels) {
      results.push(
        toResultInfo(await sendTestNotification(channel, { jobName }, this.#notifyOptions(secrets))),
      );
    }
    return results;
  }

  // ---- after runs and drills ----

  /** Notifies per the job's rules after every run and every restore drill. */
  hooks(nextRunAt: (job: Job) => Promise<Date | null>): RunHooks {
    return {
      onRunFinished: async (run, { job, log }) => {
        const settings = await this.#runtime();
        if (channelsForJob(job, settings).length === 0) return; // nothing to send: leave the keychain alone
        const secrets = await this.#o.secrets();
        const next = await nextRunAt(job).catch(() => null);
        await notificationHook({
          secrets,
          settings: () => settings,
          nextRunAt: () => next,
          onResults: (_run, results) => this.#logResults(results, log, job.id),
          ...(this.#o.tuning ? { notify: this.#o.tuning } : {}),
        }).onRunFinished?.(run, { job });
      },
      onDrillFinished: async (drill, { job, report, log }) => {
        const settings = await this.#runtime();
        const channels = channelsForJob(job, settings);
        if (channels.length === 0) return;
        const outcome = this.#drillOutcome(drill, job, report);
        if (!outcome) return;
        const secrets = await this.#o.secrets();
        this.#logResults(await notify(outcome, channels, this.#notifyOptions(secrets)), log, job.id);
      },
    };
  }

  #drillOutcome(drill: DrillRecord, job: Job, report: DrillReport | null): RunOutcome | null {
    const language = this.#o.language();
    const destination = destinationText(job.destination.location, language);
    if (report) {
      return outcomeFromDrill(report, {
        language,
        jobName: job.name,
        jobId: job.id,
        destination,
        ...(drill.reportPath ? { reportPath: drill.reportPath } : {}),
      });
    }
    if (drill.status !== 'failed' || !drill.error) return null; // cancelled or interrupted: the user knows
    return {
      kind: 'drill',
      jobId: job.id,
      jobName: job.name,
      status: 'failed',
      startedAt: new Date(drill.startedAt),
      finishedAt: new Date(drill.finishedAt ?? drill.startedAt),
      destination,
      warnings: [{ message: drill.error.message }],
      warningCount: 1,
      error: {
        code: drill.error.code,
        message: drill.error.message,
        ...(drill.error.hint ? { hint: drill.error.hint } : {}),
      },
      drill: { passed: false, problems: 1, filesVerified: 0, bytesVerified: 0 },
    };
  }

  #logResults(results: readonly ChannelResult[], log: HookLog | undefined, jobId: string): void {
    for (const { level, message } of describeResults(results)) {
      if (log) log(level, message);
      else this.#o.log(jobId, level, message);
    }
  }

  // ---- watchdog ----

  /**
   * Alerts (once per episode) about every enabled, scheduled job that has gone longer than its
   * `noSuccessForHours` without a successful backup. The scheduler calls it on every tick; the
   * state survives restarts. Manual-only and paused jobs are left out: nobody expects them to run.
   */
  checkWatchdogs(manager: JobManager): Promise<void> {
    const next = this.#watching.then(() => this.#checkWatchdogs(manager));
    this.#watching = next.catch(() => undefined);
    return next;
  }

  async #checkWatchdogs(manager: JobManager): Promise<void> {
    const now = this.#o.now();
    const language = this.#o.language();
    const jobs = await manager.jobs();
    const states = await this.watchdogStore.read();
    const updated: Record<string, WatchdogState> = {};
    const alerts: { job: Job; alert: RunOutcome }[] = [];
    for (const job of jobs) {
      const hours = job.notifications.noSuccessForHours;
      if (!job.enabled || job.schedule.kind === 'manual' || hours === null) continue;
      const summary = await manager.summary(job);
      const result = checkWatchdog(
        summary.lastSuccessAt ? new Date(summary.lastSuccessAt) : null,
        hours,
        now,
        states[job.id] ?? {},
        {
          jobId: job.id,
          jobName: job.name,
          destination: destinationText(job.destination.location, language),
          nextRunAt: summary.nextRunAt ? new Date(summary.nextRunAt) : null,
          createdAt: new Date(job.createdAt),
        },
      );
      if (result.state.alertedFor !== undefined) updated[job.id] = result.state;
      if (result.alert) alerts.push({ job, alert: result.alert });
    }
    if (JSON.stringify(updated) !== JSON.stringify(states)) await this.watchdogStore.write(updated);
    if (alerts.length === 0) return;
    // Sent in the background: a dead mail server must not hold up the scheduler's next backups.
    const sending = this.#sendAlerts(alerts).finally(() => this.#sending.delete(sending));
    this.#sending.add(sending);
  }

  /** Waits for alerts still being sent (closing the app, tests). */
  async idle(): Promise<void> {
    while (this.#sending.size > 0) await Promise.allSettled([...this.#sending]);
  }

  async #sendAlerts(alerts: readonly { job: Job; alert: RunOutcome }[]): Promise<void> {
    const settings = await this.#runtime().catch(() => undefined);
    if (!settings) return;
    for (const { job, alert } of alerts) {
      const hoursSince = alert.watchdog?.hoursSince ?? 0;
      this.#o.log(job.id, 'warn', `No successful backup of "${job.name}" for ${hoursSince} hours.`);
      const channels = channelsForJob(job, settings);
      if (channels.length === 0) continue;
      try {
        const secrets = await this.#o.secrets();
        this.#logResults(await notify(alert, channels, this.#notifyOptions(secrets)), undefined, job.id);
      } catch (err) {
        this.#o.log(job.id, 'warn', `The overdue alert could not be sent: ${toErrorInfo(err).message}`);
      }
    }
  }
}
