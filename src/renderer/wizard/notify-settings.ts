/**
 * The wizard's "Tell me" choices as app-wide notification channels: one e-mail channel and one
 * webhook, with fixed ids so going through the wizard again replaces them instead of adding more.
 * Pure: merges into whatever the notification settings already hold.
 */
import type { AppNotifyChannel, NotificationSettingsData, SmtpServerSettings } from '../../shared/jobs.ts';
import type { WizardData } from './wizard-data.ts';

export const emailChannelId = 'owner-email';
export const webhookChannelId = 'owner-webhook';

type Notify = WizardData['notify'];

/** The mail server as the engine wants it, or null when the wizard's fields are not filled in. */
export function smtpOf(smtp: Notify['smtp']): SmtpServerSettings | null {
  if (!smtp.host.trim() || !smtp.from.trim()) return null;
  return {
    host: smtp.host.trim(),
    port: smtp.port,
    security: smtp.security,
    from: smtp.from.trim(),
    ...(smtp.user.trim() ? { user: smtp.user.trim() } : {}),
  };
}

export function mergeNotifySettings(
  current: NotificationSettingsData,
  notify: Notify,
): NotificationSettingsData {
  const channels: AppNotifyChannel[] = current.channels.filter(
    (c) => c.id !== emailChannelId && c.id !== webhookChannelId,
  );
  const email = notify.email.trim();
  const webhook = notify.webhook.trim();
  if (email) channels.push({ kind: 'email', id: emailChannelId, to: [email] });
  if (webhook) channels.push({ kind: 'webhook', id: webhookChannelId, url: webhook });
  return { smtp: (email ? smtpOf(notify.smtp) : null) ?? current.smtp, channels };
}

/** The channels the wizard set up, to send a test through each. */
export function wizardChannelIds(notify: Notify): string[] {
  return [
    ...(notify.email.trim() ? [emailChannelId] : []),
    ...(notify.webhook.trim() ? [webhookChannelId] : []),
  ];
}

/** i18n keys under wizard.problems for what is wrong with the choices (empty = fine, or nothing chosen). */
export type NotifyProblem = 'badEmail' | 'noMailServer' | 'badWebhook';

export function notifyProblems(notify: Notify, smtpConfigured: boolean): NotifyProblem[] {
  const problems: NotifyProblem[] = [];
  const email = notify.email.trim();
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.push('badEmail');
  if (email && !smtpConfigured && !smtpOf(notify.smtp)) problems.push('noMailServer');
  const webhook = notify.webhook.trim();
  if (webhook && !/^https?:\/\/[^\s/]+/.test(webhook)) problems.push('badWebhook');
  return problems;
}
