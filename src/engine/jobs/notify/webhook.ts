/**
 * Generic webhook: one JSON POST per notification.
 *
 * Schema "lifeboat.notification/1" (fields are added over time, never renamed or removed):
 *
 *   schema       "lifeboat.notification/1"
 *   event        "backup.finished" | "backup.overdue" (watchdog) | "drill.finished" | "test"
 *   status       "ok" | "warning" | "failed" | "interrupted" (overdue and a failed drill are "failed")
 *   job          { id: string | null, name: string }
 *   startedAt    ISO 8601 UTC (overdue: the last success, or when the job was set up)
 *   finishedAt   ISO 8601 UTC (overdue: the time of the check)
 *   durationMs   number
 *   snapshotId   string | null          full 64-hex restic snapshot id
 *   filesAdded, bytesAdded, totalFiles, totalBytes   number | null
 *   warnings     [{ path: string | null, message: string }]   at most 100
 *   warningCount number                 all warnings, including those not listed
 *   error        { code, message, hint: string | null } | null
 *   destination  string | null
 *   nextRunAt    ISO 8601 | null
 *   overdue      { hours, lastSuccessAt: ISO | null, hoursSince } | null
 *   drill        { passed, problems, filesVerified, bytesVerified } | null   (restore drills;
 *                their problems are listed in `warnings`)
 *   language     "en" | "ru"            the language of title and text
 *   title        string                 the e-mail subject line
 *   text         string                 a readable summary; chat services that take a "text"
 *                                       field (Slack, Mattermost, Rocket.Chat) show it as is
 *   computer     string                 the host name of the computer that sent it
 *   sentAt       ISO 8601
 *   app          { name: "Lifeboat", version }
 *
 * Headers: Content-Type application/json; charset=utf-8, User-Agent Lifeboat/<version>,
 * X-Lifeboat-Event: <event>, and with auth 'bearer' "Authorization: Bearer <secret>" or with
 * auth 'hmac' "X-Lifeboat-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>".
 * Any 2xx counts as delivered. Network errors, 408, 429 and 5xx are retried (3 times, backoff
 * 1 s, 2 s, 4 s with jitter, Retry-After honoured up to 60 s); each attempt times out after 10 s.
 * Redirects are followed only on the same host name and never from https to http.
 */
import { createHmac } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { LifeboatError } from '../../../shared/errors.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import { appVersion } from '../../version.ts';
import type { WebhookChannel } from './channels.ts';
import { notifyAccounts } from './channels.ts';
import type { Language } from './format.ts';
import { warningCount } from './message.ts';
import type { RenderedMessage } from './message.ts';
import type { RunOutcome, RunStatus } from './outcome.ts';
import { postJson } from './http-post.ts';
import type { PostOptions, PostResult } from './http-post.ts';

export const webhookSchema = 'lifeboat.notification/1';

export type WebhookEvent = 'backup.finished' | 'backup.overdue' | 'drill.finished' | 'test';

export interface WebhookPayload {
  schema: typeof webhookSchema;
  event: WebhookEvent;
  status: RunStatus;
  job: { id: string | null; name: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  snapshotId: string | null;
  filesAdded: number | null;
  bytesAdded: number | null;
  totalFiles: number | null;
  totalBytes: number | null;
  warnings: Array<{ path: string | null; message: string }>;
  warningCount: number;
  error: { code: string; message: string; hint: string | null } | null;
  destination: string | null;
  nextRunAt: string | null;
  overdue: { hours: number; lastSuccessAt: string | null; hoursSince: number } | null;
  drill: { passed: boolean; problems: number; filesVerified: number; bytesVerified: number } | null;
  language: Language;
  title: string;
  text: string;
  computer: string;
  sentAt: string;
  app: { name: 'Lifeboat'; version: string };
}

const listedWarnings = 100;

export function webhookPayload(
  outcome: RunOutcome,
  message: RenderedMessage,
  ctx: { language: Language; now: Date; computer?: string },
): WebhookPayload {
  const o = outcome;
  const warnings = o.warnings ?? [];
  return {
    schema: webhookSchema,
    event: eventOf(o),
    status: o.status,
    job: { id: o.jobId ?? null, name: o.jobName },
    startedAt: o.startedAt.toISOString(),
    finishedAt: o.finishedAt.toISOString(),
    durationMs: Math.max(0, o.finishedAt.getTime() - o.startedAt.getTime()),
    snapshotId: o.snapshotId ?? null,
    filesAdded: o.filesAdded ?? null,
    bytesAdded: o.bytesAdded ?? null,
    totalFiles: o.totalFiles ?? null,
    totalBytes: o.totalBytes ?? null,
    warnings: warnings.slice(0, listedWarnings).map((w) => ({ path: w.path ?? null, message: w.message })),
    warningCount: warningCount(o),
    error: o.error ? { code: o.error.code, message: o.error.message, hint: o.error.hint ?? null } : null,
    destination: o.destination ?? null,
    nextRunAt: o.nextRunAt ? o.nextRunAt.toISOString() : null,
    overdue: o.watchdog
      ? {
          hours: o.watchdog.hours,
          lastSuccessAt: o.watchdog.lastSuccessAt?.toISOString() ?? null,
          hoursSince: o.watchdog.hoursSince,
        }
      : null,
    drill: o.drill
      ? {
          passed: o.drill.passed,
          problems: o.drill.problems,
          filesVerified: o.drill.filesVerified,
          bytesVerified: o.drill.bytesVerified,
        }
      : null,
    language: ctx.language,
    title: message.subject,
    text: message.text,
    computer: ctx.computer ?? osHostname(),
    sentAt: ctx.now.toISOString(),
    app: { name: 'Lifeboat', version: appVersion },
  };
}

function eventOf(o: RunOutcome): WebhookEvent {
  switch (o.kind) {
    case 'watchdog':
      return 'backup.overdue';
    case 'drill':
      return 'drill.finished';
    case 'test':
      return 'test';
    default:
      return 'backup.finished';
  }
}

export type HttpTuning = Pick<
  PostOptions,
  'timeoutMs' | 'retries' | 'baseDelayMs' | 'maxDelayMs' | 'fetch' | 'sleep' | 'random'
>;

export async function sendWebhook(
  channel: WebhookChannel,
  payload: WebhookPayload,
  ctx: { secrets: SecretStore; signal?: AbortSignal; http?: HttpTuning },
): Promise<PostResult> {
  let url: URL;
  try {
    url = new URL(channel.url);
  } catch {
    throw new LifeboatError('INVALID_ARGUMENT', 'The webhook address is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new LifeboatError(
      'INVALID_ARGUMENT',
      `The webhook address must start with https:// (got ${url.protocol}).`,
    );
  if (url.username || url.password)
    throw new LifeboatError(
      'INVALID_ARGUMENT',
      'The webhook address must not contain a user name or password.',
      {
        hint: 'Remove them from the address and enter the secret in the webhook settings instead (it is kept in the keychain).',
      },
    );
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'user-agent': `Lifeboat/${appVersion}`,
    'x-lifeboat-event': payload.event,
  };
  const auth = channel.auth ?? 'none';
  let secret: string | undefined;
  if (auth !== 'none') {
    secret = await ctx.secrets.get(notifyAccounts.webhookSecret(channel.id));
    if (!secret)
      throw new LifeboatError('AUTH_REQUIRED', 'The webhook secret is not saved on this computer.', {
        hint: 'Enter the webhook secret again in the notification settings.',
      });
    if (auth === 'bearer') headers.authorization = `Bearer ${secret}`;
    else
      headers['x-lifeboat-signature'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  }
  return postJson({
    ...ctx.http,
    url: url.href,
    body,
    headers,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    redact: secret ? [secret] : [],
  });
}
