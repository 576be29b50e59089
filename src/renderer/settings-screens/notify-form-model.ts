/**
 * The notification settings form as plain values and the request that saves it. Secrets are never
 * shown: an empty secret field keeps what is saved, a typed one replaces it, "remove" deletes it.
 */
import type { NotificationSettingsView, OperationInput } from '../../shared/contract.ts';
import type { AppNotifyChannel, SmtpServerSettings } from '../../shared/jobs.ts';

export type SecretEdit = { kind: 'keep' } | { kind: 'set'; value: string } | { kind: 'remove' };

export interface ChannelForm {
  id: string;
  kind: AppNotifyChannel['kind'];
  /** email: addresses (one per line); webhook: URL; telegram: chat id. */
  target: string;
  auth: 'none' | 'bearer' | 'hmac';
  onFailure: boolean;
  onWarning: boolean;
  onSuccess: boolean;
  /** The webhook's signing secret (webhooks with auth). */
  secret: SecretEdit;
  secretSaved: boolean;
}

export interface NotifyFormValues {
  smtpEnabled: boolean;
  smtp: { host: string; port: number; security: SmtpServerSettings['security']; user: string; from: string };
  smtpPassword: SecretEdit;
  smtpPasswordSaved: boolean;
  /** The bot token every Telegram channel uses. */
  telegramToken: SecretEdit;
  telegramTokenSaved: boolean;
  channels: ChannelForm[];
}

export function formFromView(view: NotificationSettingsView): NotifyFormValues {
  const smtp = view.settings.smtp;
  return {
    smtpEnabled: smtp !== null,
    smtp: {
      host: smtp?.host ?? '',
      port: smtp?.port ?? 587,
      security: smtp?.security ?? 'starttls',
      user: smtp?.user ?? '',
      from: smtp?.from ?? '',
    },
    smtpPassword: { kind: 'keep' },
    smtpPasswordSaved: view.secrets.smtpPassword,
    telegramToken: { kind: 'keep' },
    telegramTokenSaved: view.secrets.telegramTokens.length > 0,
    channels: view.settings.channels.map((c) => ({
      id: c.id,
      kind: c.kind,
      target: c.kind === 'email' ? c.to.join('\n') : c.kind === 'webhook' ? c.url : String(c.chatId),
      auth: c.kind === 'webhook' ? (c.auth ?? 'none') : 'none',
      onFailure: c.rules?.onFailure ?? true,
      onWarning: c.rules?.onWarning ?? true,
      onSuccess: c.rules?.onSuccess ?? false,
      secret: { kind: 'keep' },
      secretSaved: view.secrets.webhookSecrets.includes(c.id),
    })),
  };
}

/** A fresh channel id that is not taken: `webhook-2`. */
export function newChannelId(kind: ChannelForm['kind'], taken: string[]): string {
  let n = 1;
  while (taken.includes(`${kind}-${n}`)) n += 1;
  return `${kind}-${n}`;
}

export function emptyChannel(kind: ChannelForm['kind'], taken: string[]): ChannelForm {
  return {
    id: newChannelId(kind, taken),
    kind,
    target: '',
    auth: 'none',
    onFailure: true,
    onWarning: true,
    onSuccess: false,
    secret: { kind: 'keep' },
    secretSaved: false,
  };
}

/** string: store it; null: delete it; undefined: keep what is saved (also for a blank "replace"). */
const secretValue = (edit: SecretEdit) =>
  edit.kind === 'set' ? edit.value || undefined : edit.kind === 'remove' ? null : undefined;

function channelFromForm(c: ChannelForm): AppNotifyChannel {
  const rules = { onFailure: c.onFailure, onWarning: c.onWarning, onSuccess: c.onSuccess };
  if (c.kind === 'email') {
    return { kind: 'email', id: c.id, to: c.target.split(/[\s,;]+/).filter(Boolean), rules };
  }
  if (c.kind === 'webhook') return { kind: 'webhook', id: c.id, url: c.target.trim(), auth: c.auth, rules };
  const chat = c.target.trim();
  return { kind: 'telegram', id: c.id, chatId: /^-?\d+$/.test(chat) ? Number(chat) : chat, rules };
}

export function saveInputFromForm(v: NotifyFormValues): OperationInput<'saveNotificationSettings'> {
  const smtp: SmtpServerSettings | null = v.smtpEnabled
    ? {
        host: v.smtp.host.trim(),
        port: v.smtp.port,
        security: v.smtp.security,
        ...(v.smtp.user.trim() ? { user: v.smtp.user.trim() } : {}),
        from: v.smtp.from.trim(),
      }
    : null;
  const webhookSecrets: Record<string, string | null> = {};
  for (const c of v.channels) {
    if (c.kind !== 'webhook') continue;
    const value = c.auth === 'none' ? (c.secretSaved ? null : undefined) : secretValue(c.secret);
    if (value !== undefined) webhookSecrets[c.id] = value;
  }
  const smtpPassword = v.smtpEnabled ? secretValue(v.smtpPassword) : v.smtpPasswordSaved ? null : undefined;
  const telegramToken = secretValue(v.telegramToken);
  return {
    settings: { smtp, channels: v.channels.map(channelFromForm) },
    ...(smtpPassword !== undefined ? { smtpPassword } : {}),
    ...(telegramToken !== undefined ? { telegramToken } : {}),
    ...(Object.keys(webhookSecrets).length ? { webhookSecrets } : {}),
  };
}
