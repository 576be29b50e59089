/**
 * Notification channels as they are kept in settings. Nothing secret lives here: the SMTP
 * password, the Telegram bot token and a webhook's signing secret are read from the SecretStore
 * under the account names below when a message is sent.
 */
import { secretAccounts } from '../../secrets/secret-store.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';

/** Which outcomes a channel receives. */
export interface NotifyRules {
  /** Failed runs and watchdog alerts ("no successful backup for N hours"). Default true. */
  onFailure?: boolean;
  /** Runs that finished but could not save everything (unreadable files). Default true. */
  onWarning?: boolean;
  /** Successful runs. Default false: a daily "all fine" mail soon goes unread. */
  onSuccess?: boolean;
  /**
   * Runs stopped before the end (cancelled by the user, computer shut down). Default false: the
   * user usually knows, and if backups keep not happening the watchdog says so.
   */
  onInterrupted?: boolean;
}

/**
 * 'tls': TLS from the first byte (usually port 465). 'starttls': plain connection upgraded with
 * STARTTLS, and refused if the server does not offer it (usually port 587). 'none': STARTTLS when
 * the server offers it, otherwise unencrypted; only for a relay on this computer or network.
 */
export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export interface EmailChannel {
  kind: 'email';
  /** Stable id from settings; results are reported under it. */
  id: string;
  rules?: NotifyRules;
  host: string;
  port: number;
  security: SmtpSecurity;
  /** Login name; omit for a relay without authentication. The password is in the SecretStore. */
  user?: string;
  /** "Lifeboat <backup@example.com>" */
  from: string;
  to: string[];
  /** PEM of a certificate (or CA) to trust, for an office server with its own certificate. */
  caPem?: string;
}

export interface WebhookChannel {
  kind: 'webhook';
  id: string;
  rules?: NotifyRules;
  /** http(s) address that receives the JSON (see webhook.ts for the schema). */
  url: string;
  /**
   * How the receiver can tell the message is ours, using the secret stored under
   * notifyAccounts.webhookSecret(id): 'bearer' sends "Authorization: Bearer <secret>",
   * 'hmac' sends "X-Lifeboat-Signature: sha256=<hex HMAC-SHA256 of the body>". Default 'none'.
   */
  auth?: 'none' | 'bearer' | 'hmac';
}

export interface TelegramChannel {
  kind: 'telegram';
  id: string;
  rules?: NotifyRules;
  /** A user id, a group id (negative) or "@channelname". The bot token is in the SecretStore. */
  chatId: string | number;
}

export type NotifyChannel = EmailChannel | WebhookChannel | TelegramChannel;
export type ChannelKind = NotifyChannel['kind'];

export interface ChannelResult {
  channel: string;
  kind: ChannelKind;
  /** True when sent, or when the rules say this outcome is not for this channel (skipped). */
  ok: boolean;
  skipped: boolean;
  /** Delivery attempts made (0 when skipped or refused before connecting). */
  attempts: number;
  error?: ErrorInfo;
}

/** Where each channel's secret is filed in the SecretStore. */
export const notifyAccounts = {
  smtpPassword: (host: string, user: string) => secretAccounts.smtpPassword(host, user),
  telegramBotToken: (channelId: string) => `telegram-bot-token:${channelId}`,
  webhookSecret: (channelId: string) => `webhook-secret:${channelId}`,
} as const;
