/**
 * Telegram preset: POST <api>/bot<TOKEN>/sendMessage {chat_id, text}. The token comes from the
 * SecretStore and appears in the URL path, so every error text is scrubbed of it. Plain text (no
 * parse_mode): job names and error messages then need no escaping and can never break the
 * message. The API answers {ok, description, parameters.retry_after}; 429 waits retry_after.
 */
import { LifeboatError } from '../../../shared/errors.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import type { TelegramChannel } from './channels.ts';
import { notifyAccounts } from './channels.ts';
import { HttpPostError, postJson } from './http-post.ts';
import type { PostResult } from './http-post.ts';
import type { HttpTuning } from './webhook.ts';

export const telegramApiDefault = 'https://api.telegram.org';

/** Explicit option first, then LIFEBOAT_TELEGRAM_API_URL (tests, corporate proxies), then Telegram. */
export function telegramApiBase(explicit?: string): string {
  const base = explicit ?? process.env.LIFEBOAT_TELEGRAM_API_URL ?? telegramApiDefault;
  return base.replace(/\/+$/, '');
}

interface TelegramAnswer {
  ok?: boolean;
  description?: string;
  parameters?: { retry_after?: number };
}

function parseAnswer(body: string): TelegramAnswer | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    return typeof v === 'object' && v !== null ? (v as TelegramAnswer) : undefined;
  } catch {
    return undefined;
  }
}

export async function sendTelegram(
  channel: TelegramChannel,
  text: string,
  ctx: { secrets: SecretStore; apiUrl?: string; signal?: AbortSignal; http?: HttpTuning },
): Promise<PostResult> {
  const token = await ctx.secrets.get(notifyAccounts.telegramBotToken(channel.id));
  if (!token)
    throw new LifeboatError('AUTH_REQUIRED', 'The Telegram bot token is not saved on this computer.', {
      hint: 'Enter the bot token from @BotFather again in the notification settings.',
    });
  // A token is "<digits>:<letters, digits, _ and ->"; anything else would change the URL's path.
  if (!/^[0-9]+:[A-Za-z0-9_-]+$/.test(token))
    throw new LifeboatError('INVALID_ARGUMENT', 'The saved Telegram bot token does not look like one.', {
      hint: 'Copy the token from @BotFather again: it looks like 123456789:AAE…',
    });
  try {
    return await postJson({
      ...ctx.http,
      url: `${telegramApiBase(ctx.apiUrl)}/bot${token}/sendMessage`,
      body: JSON.stringify({ chat_id: channel.chatId, text, link_preview_options: { is_disabled: true } }),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      redact: [token],
      retryAfterFromBody: (body) => {
        const s = parseAnswer(body)?.parameters?.retry_after;
        return typeof s === 'number' ? s * 1000 : undefined;
      },
    });
  } catch (err) {
    throw explain(err);
  }
}

/** Telegram's own words for the usual mistakes, with what to do about them. */
function explain(err: unknown): unknown {
  if (!(err instanceof HttpPostError) || err.status === undefined) return err;
  const description = parseAnswer(err.responseBody ?? '')?.description ?? `HTTP ${err.status}`;
  let out: LifeboatError | undefined;
  if (err.status === 401 || err.status === 404)
    out = new LifeboatError('AUTH_REQUIRED', `Telegram did not accept the bot token (${description}).`, {
      hint: 'Copy the token from @BotFather again.',
    });
  else if (err.status === 400 || err.status === 403)
    out = new LifeboatError('INVALID_ARGUMENT', `Telegram refused the message (${description}).`, {
      hint: 'Check the chat id. In a private chat, send /start to the bot first; in a group, add the bot to it.',
    });
  if (!out) return err;
  (out as LifeboatError & { attempts?: number }).attempts = err.attempts;
  return out;
}
