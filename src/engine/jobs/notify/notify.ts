/**
 * notify(): sends one outcome to every channel whose rules want it, in parallel, and reports per
 * channel. It never throws — a broken mail server must not turn a good backup into a failed run —
 * and every channel has its own timeouts, so a dead endpoint costs at most about a minute.
 */
import { hostname as osHostname } from 'node:os';
import { LifeboatError, toErrorInfo } from '../../../shared/errors.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import type { ChannelResult, NotifyChannel } from './channels.ts';
import { sendEmail } from './email.ts';
import type { EmailTuning } from './email.ts';
import type { Language } from './format.ts';
import { renderMessage } from './message.ts';
import type { RenderedMessage } from './message.ts';
import type { RunOutcome } from './outcome.ts';
import { shouldNotify } from './rules.ts';
import { sendTelegram } from './telegram.ts';
import { sendWebhook, webhookPayload } from './webhook.ts';
import type { HttpTuning } from './webhook.ts';

export interface NotifyOptions {
  language: Language;
  secrets: SecretStore;
  /** Time of sending (the webhook's sentAt). Default: now. */
  now?: Date;
  /** IANA zone for dates in the text; default: this computer's. */
  timeZone?: string;
  /** Shown as the sending computer; default os.hostname(). */
  computer?: string;
  signal?: AbortSignal;
  /** Telegram API base; default LIFEBOAT_TELEGRAM_API_URL or https://api.telegram.org. */
  telegramApiUrl?: string;
  /** Diagnostic lines for the run log; never contain passwords or tokens. */
  log?: (line: string) => void;
  /** Timeouts and retry pacing (tests shorten them). */
  http?: HttpTuning;
  email?: EmailTuning;
}

export async function notify(
  outcome: RunOutcome,
  channels: readonly NotifyChannel[],
  opts: NotifyOptions,
): Promise<ChannelResult[]> {
  let message: RenderedMessage;
  try {
    message = renderMessage(outcome, {
      language: opts.language,
      ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
      ...(opts.computer ? { computer: opts.computer } : {}),
    });
  } catch (err) {
    const error = toErrorInfo(err);
    return channels.map((c) => ({
      channel: c.id,
      kind: c.kind,
      ok: false,
      skipped: false,
      attempts: 0,
      error,
    }));
  }
  return Promise.all(
    channels.map(async (channel): Promise<ChannelResult> => {
      const base = { channel: channel.id, kind: channel.kind };
      if (!shouldNotify(outcome, channel.rules)) return { ...base, ok: true, skipped: true, attempts: 0 };
      try {
        const attempts = await deliver(channel, outcome, message, opts);
        opts.log?.(
          `notification ${channel.kind}:${channel.id} sent (${attempts} attempt${attempts === 1 ? '' : 's'})`,
        );
        return { ...base, ok: true, skipped: false, attempts };
      } catch (err) {
        const error = toErrorInfo(err);
        opts.log?.(`notification ${channel.kind}:${channel.id} failed: ${error.code} ${error.message}`);
        return { ...base, ok: false, skipped: false, attempts: attemptsOf(err), error };
      }
    }),
  );
}

/** Sends a test message through one channel (the "Send test" button), whatever its rules. */
export async function sendTestNotification(
  channel: NotifyChannel,
  job: { jobName: string; jobId?: string },
  opts: NotifyOptions,
): Promise<ChannelResult> {
  const now = opts.now ?? new Date();
  const outcome: RunOutcome = { kind: 'test', ...job, status: 'ok', startedAt: now, finishedAt: now };
  const [result] = await notify(outcome, [channel], opts);
  return result as ChannelResult;
}

async function deliver(
  channel: NotifyChannel,
  outcome: RunOutcome,
  message: RenderedMessage,
  opts: NotifyOptions,
): Promise<number> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  switch (channel.kind) {
    case 'email':
      await sendEmail(channel, message, {
        secrets: opts.secrets,
        ...signal,
        ...(opts.log ? { log: opts.log } : {}),
        ...(opts.email ? { tuning: opts.email } : {}),
        headers: { 'X-Lifeboat-Status': outcome.kind === 'test' ? 'test' : outcome.status },
      });
      return 1;
    case 'webhook': {
      const payload = webhookPayload(outcome, message, {
        language: opts.language,
        now: opts.now ?? new Date(),
        computer: opts.computer ?? osHostname(),
      });
      return (await sendWebhook(channel, payload, { secrets: opts.secrets, ...signal, ...httpOpt(opts) }))
        .attempts;
    }
    case 'telegram':
      return (
        await sendTelegram(channel, message.short, {
          secrets: opts.secrets,
          ...signal,
          ...httpOpt(opts),
          ...(opts.telegramApiUrl ? { apiUrl: opts.telegramApiUrl } : {}),
        })
      ).attempts;
    default:
      throw new LifeboatError(
        'UNSUPPORTED',
        `Unknown notification channel ${(channel as { kind: string }).kind}.`,
      );
  }
}

function httpOpt(opts: NotifyOptions): { http?: HttpTuning } {
  return opts.http ? { http: opts.http } : {};
}

/** Delivery attempts recorded on the error; none means it was refused before connecting. */
function attemptsOf(err: unknown): number {
  const n = (err as { attempts?: unknown } | null)?.attempts;
  return typeof n === 'number' ? n : 0;
}
