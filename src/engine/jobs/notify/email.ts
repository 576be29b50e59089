/**
 * E-mail through the user's SMTP server (nodemailer). The password is read from the SecretStore
 * at send time and handed only to nodemailer; its protocol log (when a logger is given) shows the
 * AUTH exchange masked, and errors are scrubbed of the password in case a server echoes it.
 */
import nodemailer from 'nodemailer';
import type { SMTPTransportOptions } from 'nodemailer';
import { LifeboatError } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import type { EmailChannel } from './channels.ts';
import { notifyAccounts } from './channels.ts';
import type { RenderedMessage } from './message.ts';

export interface EmailTuning {
  /** TCP connect, greeting and idle socket limits (ms). Defaults 15 s, 15 s, 30 s. */
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

export interface EmailContext {
  secrets: SecretStore;
  signal?: AbortSignal;
  /** Diagnostic lines (connection, server replies); never contains the password. */
  log?: (line: string) => void;
  tuning?: EmailTuning;
  /** Extra headers, e.g. the outcome status for mail filters. */
  headers?: Record<string, string>;
}

export interface EmailSent {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export async function sendEmail(
  channel: EmailChannel,
  message: RenderedMessage,
  ctx: EmailContext,
): Promise<EmailSent> {
  if (channel.to.length === 0)
    throw new LifeboatError('INVALID_ARGUMENT', 'The e-mail notification has no recipients.', {
      hint: 'Add at least one address in the notification settings.',
    });
  let password: string | undefined;
  if (channel.user) {
    password = await ctx.secrets.get(notifyAccounts.smtpPassword(channel.host, channel.user));
    if (password === undefined)
      throw new LifeboatError(
        'AUTH_REQUIRED',
        `The password for ${channel.user} on ${channel.host} is not saved on this computer.`,
        {
          hint: 'Enter the mail password again in the notification settings.',
        },
      );
  }
  const transport = nodemailer.createTransport(transportOptions(channel, password, ctx));
  const scrub = (text: string): string => (password ? text.replaceAll(password, '***') : text);
  try {
    const info = await transport.sendMail({
      from: channel.from,
      to: channel.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: {
        // RFC 3834: tells vacation responders and ticket systems not to answer a machine.
        'Auto-Submitted': 'auto-generated',
        ...ctx.headers,
      },
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    return {
      messageId: info.messageId,
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
    };
  } catch (err) {
    if (ctx.signal?.aborted) throw new LifeboatError('CANCELLED', 'Sending the e-mail was cancelled.');
    const error = smtpError(err, channel, scrub);
    (error as LifeboatError & { attempts?: number }).attempts = 1;
    throw error;
  } finally {
    transport.close();
  }
}

function transportOptions(
  channel: EmailChannel,
  password: string | undefined,
  ctx: EmailContext,
): SMTPTransportOptions {
  const t = ctx.tuning ?? {};
  const log = ctx.log;
  const logger = log
    ? {
        level: () => undefined,
        trace: () => undefined,
        debug: (_meta: unknown, format: string, ...args: unknown[]) => log(line(format, args)),
        info: (_meta: unknown, format: string, ...args: unknown[]) => log(line(format, args)),
        warn: (_meta: unknown, format: string, ...args: unknown[]) => log(line(format, args)),
        error: (_meta: unknown, format: string, ...args: unknown[]) => log(line(format, args)),
        fatal: (_meta: unknown, format: string, ...args: unknown[]) => log(line(format, args)),
      }
    : false;
  const scrubbed = (text: string): string => (password ? text.replaceAll(password, '***') : text);
  function line(format: string, args: unknown[]): string {
    let i = 0;
    return scrubbed(format.replace(/%[sdj]/g, () => String(args[i++])));
  }
  return {
    host: channel.host,
    port: channel.port,
    secure: channel.security === 'tls',
    requireTLS: channel.security === 'starttls',
    ...(channel.user && password !== undefined ? { auth: { user: channel.user, pass: password } } : {}),
    tls: {
      minVersion: 'TLSv1.2',
      ...(channel.caPem ? { ca: channel.caPem } : {}),
    },
    connectionTimeout: t.connectionTimeoutMs ?? 15_000,
    greetingTimeout: t.greetingTimeoutMs ?? 15_000,
    socketTimeout: t.socketTimeoutMs ?? 30_000,
    logger: logger as SMTPTransportOptions['logger'],
    debug: Boolean(log),
    // Never pool: a notification is one message, and a pooled socket would outlive the run.
  };
}

/** Maps nodemailer's error codes to ours, with what the user can do about each. */
function smtpError(err: unknown, channel: EmailChannel, scrub: (t: string) => string): LifeboatError {
  const e = err as { code?: string; responseCode?: number; message?: string; response?: string };
  const where = `${channel.host}:${channel.port}`;
  const detail = scrub([e.message ?? String(err), e.response].filter(Boolean).join(' — '));
  const make = (code: ErrorCode, message: string, hint: string) =>
    new LifeboatError(code, message, { hint, details: detail });
  switch (e.code) {
    case 'EAUTH':
    case 'ENOAUTH':
      return make(
        'AUTH_REQUIRED',
        `The mail server ${where} did not accept the login ${channel.user ?? ''}.`.replace(' .', '.'),
        'Check the user name and password. Gmail, Yandex and Mail.ru need an app password here, not the account password.',
      );
    case 'ETLS':
    case 'ESOCKET':
      if (/certificate|self[- ]signed|altnames|verify/i.test(detail))
        return make(
          'NETWORK',
          `The certificate of the mail server ${where} could not be verified.`,
          'Check the server name. If your mail server uses its own certificate, add it in the notification settings.',
        );
      if (/STARTTLS/i.test(detail))
        return make(
          'NETWORK',
          `The mail server ${where} does not offer an encrypted connection (STARTTLS).`,
          'Choose the security mode your mail provider documents (usually SSL/TLS on port 465 or STARTTLS on 587).',
        );
      return make(
        'NETWORK',
        `Could not connect to the mail server ${where}.`,
        'Check the server name, port and security mode.',
      );
    case 'ECONNECTION':
    case 'EDNS':
    case 'ETIMEDOUT':
    case 'EGREETING':
      return make(
        'NETWORK',
        `Could not connect to the mail server ${where}.`,
        'Check the server name and port, and that this computer is online.',
      );
    case 'EENVELOPE':
    case 'EMESSAGE':
      return make(
        'INVALID_ARGUMENT',
        `The mail server ${where} refused the message: ${detail}`,
        'Check the sender and recipient addresses; many servers only accept your own address as the sender.',
      );
    default:
      return make(
        'NETWORK',
        `Sending e-mail through ${where} failed: ${detail}`,
        'Check the mail settings and try a test message.',
      );
  }
}
