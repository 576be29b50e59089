/**
 * `lifeboat notify …`: the app-wide notification settings (the same the app's settings screen edits)
 * and a test message. Passwords and tokens are never taken from the command line, where other users
 * and the shell history would see them: they come from an environment variable or from stdin
 * (`--smtp-password-stdin`, …), and go to the keychain (or the encrypted secrets file).
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { NotificationSettingsView } from '../../shared/contract.ts';
import { LifeboatError } from '../../shared/errors.ts';
import type { AppNotifyChannel, NotificationSettingsData, SmtpServerSettings } from '../../shared/jobs.ts';
import { collect } from '../context.ts';
import { parsePort } from '../options.ts';
import { table } from '../output.ts';
import { withService } from './job.ts';

const securities = ['tls', 'starttls', 'none'] as const;
const defaultPorts: Record<SmtpServerSettings['security'], number> = { tls: 465, starttls: 587, none: 25 };

function security(value: string): SmtpServerSettings['security'] {
  if (!(securities as readonly string[]).includes(value))
    throw new InvalidArgumentError('tls, starttls or none');
  return value as SmtpServerSettings['security'];
}

function webhookAuth(value: string): 'none' | 'bearer' | 'hmac' {
  if (!['none', 'bearer', 'hmac'].includes(value)) throw new InvalidArgumentError('none, bearer or hmac');
  return value as 'none';
}

interface SetOptions {
  smtpHost?: string;
  smtpPort?: number;
  smtpSecurity?: SmtpServerSettings['security'];
  smtpUser?: string;
  smtpFrom?: string;
  smtpCa?: string;
  smtpPasswordStdin?: boolean;
  removeSmtp?: boolean;
  emailTo?: string[];
  webhookUrl?: string;
  webhookId: string;
  webhookAuth?: 'none' | 'bearer' | 'hmac';
  webhookSecretStdin?: boolean;
  telegramChat?: string;
  telegramTokenStdin?: boolean;
  removeChannel?: string[];
}

/** The first line of stdin (a password piped in: `pass show smtp | lifeboat notify set --smtp-password-stdin`). */
async function readStdinLine(what: string): Promise<string> {
  if (process.stdin.isTTY) {
    throw new LifeboatError('INVALID_ARGUMENT', `Pipe the ${what} into stdin.`, {
      hint: `For example: printf '%s' "$SECRET" | lifeboat notify set …`,
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!line) throw new LifeboatError('INVALID_ARGUMENT', `No ${what} on stdin.`);
  return line;
}

/** A secret from stdin (when asked) or an environment variable; undefined when neither was given. */
async function secretFrom(
  stdin: boolean | undefined,
  env: string,
  what: string,
): Promise<string | undefined> {
  if (stdin) return readStdinLine(what);
  return process.env[env] || undefined;
}

function mergeSmtp(current: SmtpServerSettings | null, o: SetOptions): SmtpServerSettings | null {
  if (o.removeSmtp) return null;
  const touched =
    o.smtpHost !== undefined ||
    o.smtpPort !== undefined ||
    o.smtpSecurity !== undefined ||
    o.smtpUser !== undefined ||
    o.smtpFrom !== undefined;
  if (!touched) return current;
  const host = o.smtpHost ?? current?.host;
  const from = o.smtpFrom ?? current?.from;
  if (!host || !from) {
    throw new LifeboatError('INVALID_ARGUMENT', 'The mail server needs --smtp-host and --smtp-from.', {
      hint: 'For example: --smtp-host smtp.yandex.ru --smtp-security tls --smtp-user backup@firm.ru --smtp-from backup@firm.ru',
    });
  }
  const sec = o.smtpSecurity ?? current?.security ?? 'starttls';
  const user = o.smtpUser === '' ? undefined : (o.smtpUser ?? current?.user);
  return {
    host,
    port: o.smtpPort ?? (o.smtpSecurity === undefined && current ? current.port : defaultPorts[sec]),
    security: sec,
    from,
    ...(user ? { user } : {}),
    ...(current?.caPem ? { caPem: current.caPem } : {}),
  };
}

function upsert(channels: AppNotifyChannel[], channel: AppNotifyChannel): AppNotifyChannel[] {
  const i = channels.findIndex((c) => c.id === channel.id);
  if (i === -1) return [...channels, channel];
  const copy = [...channels];
  copy[i] = { ...channel, ...(channels[i]!.rules ? { rules: channels[i]!.rules } : {}) };
  return copy;
}

function describeView(view: NotificationSettingsView): string {
  const { settings, secrets } = view;
  const smtp = settings.smtp;
  const lines = [
    smtp
      ? `mail server: ${smtp.host}:${smtp.port} (${smtp.security})${smtp.user ? `, login ${smtp.user} (password ${secrets.smtpPassword ? 'saved' : 'NOT saved'})` : ', no login'}, from ${smtp.from}`
      : 'mail server: not set up',
  ];
  if (settings.channels.length === 0)
    lines.push('channels: none (jobs may still e-mail their own recipients)');
  else {
    lines.push(
      table(
        ['Channel', 'Kind', 'Where', 'Secret'],
        settings.channels.map((c) => {
          if (c.kind === 'email') return [c.id, 'email', c.to.join(', '), smtp ? '' : 'needs a mail server'];
          if (c.kind === 'webhook') {
            const needs = c.auth && c.auth !== 'none';
            return [
              c.id,
              'webhook',
              c.url,
              needs
                ? secrets.webhookSecrets.includes(c.id)
                  ? `${c.auth}, saved`
                  : `${c.auth}, NOT saved`
                : '',
            ];
          }
          return [
            c.id,
            'telegram',
            String(c.chatId),
            secrets.telegramTokens.includes(c.id) ? 'token saved' : 'token NOT saved',
          ];
        }),
      ),
    );
  }
  return lines.join('\n');
}

export function registerNotify(program: Command): void {
  const notify = program
    .command('notify')
    .description('notifications: the mail server, e-mail, webhook and Telegram channels, a test message');

  notify
    .command('show')
    .description('show the notification settings (never the passwords)')
    .action(async (_o: unknown, command: Command) =>
      withService(command, async (service, ctx) => {
        const view = await service.getNotificationSettings();
        ctx.out.result(view, () => describeView(view));
      }),
    );

  notify
    .command('set')
    .description(
      'change the notification settings; secrets come from stdin or the environment, never from arguments',
    )
    .option('--smtp-host <host>', 'mail server, e.g. smtp.yandex.ru')
    .option('--smtp-port <port>', 'port (default: 465 for tls, 587 for starttls, 25 for none)', parsePort)
    .option('--smtp-security <mode>', 'tls, starttls (default) or none', security)
    .option('--smtp-user <login>', 'login name ("" for a relay without login)')
    .option('--smtp-from <address>', 'sender, e.g. "Lifeboat <backup@firm.ru>"')
    .option('--smtp-ca <file>', "PEM file of the mail server's own certificate")
    .option('--smtp-password-stdin', 'read the mail password from stdin (or set LIFEBOAT_SMTP_PASSWORD)')
    .option('--remove-smtp', 'forget the mail server (and its password)')
    .option(
      '--email-to <address>',
      'e-mail these addresses about every job (repeatable; channel "email")',
      collect,
    )
    .option('--webhook-url <url>', 'POST a JSON message to this address (channel --webhook-id)')
    .option('--webhook-id <id>', 'id of the webhook channel', 'webhook')
    .option('--webhook-auth <mode>', 'none (default), bearer or hmac', webhookAuth)
    .option('--webhook-secret-stdin', 'read the webhook secret from stdin (or set LIFEBOAT_WEBHOOK_SECRET)')
    .option('--telegram-chat <id>', 'send to this Telegram chat (channel "telegram")')
    .option('--telegram-token-stdin', 'read the bot token from stdin (or set LIFEBOAT_TELEGRAM_TOKEN)')
    .option('--remove-channel <id>', 'remove a channel (repeatable)', collect)
    .action(async (o: SetOptions, command: Command) =>
      withService(command, async (service, ctx) => {
        const fromStdin = [o.smtpPasswordStdin, o.webhookSecretStdin, o.telegramTokenStdin].filter(
          Boolean,
        ).length;
        if (fromStdin > 1) {
          throw new LifeboatError('INVALID_ARGUMENT', 'Only one secret can be read from stdin at a time.', {
            hint: 'Run `lifeboat notify set` once per secret, or pass the others in LIFEBOAT_* variables.',
          });
        }
        const current = (await service.getNotificationSettings()).settings;
        let smtp = mergeSmtp(current.smtp, o);
        if (smtp && o.smtpCa) smtp = { ...smtp, caPem: await readFile(o.smtpCa, 'utf8') };
        let channels = current.channels.filter((c) => !(o.removeChannel ?? []).includes(c.id));
        if (o.emailTo) channels = upsert(channels, { kind: 'email', id: 'email', to: o.emailTo });
        if (o.webhookUrl) {
          channels = upsert(channels, {
            kind: 'webhook',
            id: o.webhookId,
            url: o.webhookUrl,
            ...(o.webhookAuth ? { auth: o.webhookAuth } : {}),
          });
        }
        if (o.telegramChat) {
          const chatId = /^-?\d+$/.test(o.telegramChat) ? Number(o.telegramChat) : o.telegramChat;
          channels = upsert(channels, { kind: 'telegram', id: 'telegram', chatId });
        }
        const settings: NotificationSettingsData = { smtp, channels };
        const smtpPassword = await secretFrom(o.smtpPasswordStdin, 'LIFEBOAT_SMTP_PASSWORD', 'mail password');
        const webhookSecret = await secretFrom(
          o.webhookSecretStdin,
          'LIFEBOAT_WEBHOOK_SECRET',
          'webhook secret',
        );
        const telegramToken = await secretFrom(o.telegramTokenStdin, 'LIFEBOAT_TELEGRAM_TOKEN', 'bot token');
        const view = await service.saveNotificationSettings({
          settings,
          ...(smtpPassword ? { smtpPassword } : {}),
          ...(telegramToken ? { telegramToken } : {}),
          ...(webhookSecret ? { webhookSecrets: { [o.webhookId]: webhookSecret } } : {}),
        });
        ctx.out.result(view, () => `Saved.\n${describeView(view)}`);
      }),
    );

  notify
    .command('test')
    .description('send a test message through every channel, or one (--channel ID, or email:JOB_ID)')
    .option('--channel <id>', 'only this channel')
    .action(async (o: { channel?: string }, command: Command) =>
      withService(command, async (service, ctx) => {
        const results = await service.testNotification(o.channel ? { channelId: o.channel } : {});
        ctx.out.result(results, () =>
          table(
            ['Channel', 'Kind', 'Result'],
            results.map((r) => [
              r.channel,
              r.kind,
              r.ok
                ? 'sent'
                : `FAILED: ${r.error?.message ?? 'unknown error'}${r.error?.hint ? ` (${r.error.hint})` : ''}`,
            ]),
          ),
        );
        if (results.some((r) => !r.ok)) process.exitCode = 1;
      }),
    );
}
