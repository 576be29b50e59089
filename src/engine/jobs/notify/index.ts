/**
 * Notifications: the job runner builds a RunOutcome after each run (outcomeFromBackup /
 * outcomeFromError), calls notify() with the job's channels, and keeps the per-channel results in
 * the run's history. checkWatchdog() on each scheduler tick covers backups that stop happening.
 */
export { notify, sendTestNotification } from './notify.ts';
export type { NotifyOptions } from './notify.ts';
export { checkWatchdog, shouldNotify } from './rules.ts';
export type { WatchdogJob, WatchdogResult, WatchdogState } from './rules.ts';
export { outcomeFromBackup, outcomeFromError } from './outcome.ts';
export type {
  DrillInfo,
  JobInfo,
  OutcomeError,
  OutcomeKind,
  OutcomeWarning,
  RunOutcome,
  RunStatus,
  WatchdogInfo,
} from './outcome.ts';
export { notifyAccounts } from './channels.ts';
export type {
  ChannelKind,
  ChannelResult,
  EmailChannel,
  NotifyChannel,
  NotifyRules,
  SmtpSecurity,
  TelegramChannel,
  WebhookChannel,
} from './channels.ts';
export { renderMessage } from './message.ts';
export type { RenderedMessage, RenderOptions } from './message.ts';
export { webhookSchema } from './webhook.ts';
export type { WebhookEvent, WebhookPayload } from './webhook.ts';
export { telegramApiDefault } from './telegram.ts';
export type { Language } from './format.ts';
export { channelsForJob, destinationText, outcomeFromJobRun, rulesFromJob } from './from-job.ts';
export type { SmtpServer } from './from-job.ts';
export { notificationHook } from './notification-hook.ts';
export type { NotificationHookOptions, NotificationSettings } from './notification-hook.ts';
