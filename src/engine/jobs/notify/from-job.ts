/**
 * Glue between the job model (src/shared/jobs.ts) and notifications: a RunOutcome from a
 * finished JobRun, the job's notification rules as NotifyRules, and the channels one job notifies.
 * The runner's RunHooks.onRunFinished can be little more than
 * `notify(outcomeFromJobRun(run, job, {language}), channelsForJob(job, settings), opts)`.
 */
import type { Job, JobRun, NotificationRules } from '../../../shared/jobs.ts';
import type { RepositoryLocation } from '../../../shared/locations.ts';
import type { EmailChannel, NotifyChannel, NotifyRules } from './channels.ts';
import type { Language } from './format.ts';
import type { OutcomeWarning, RunOutcome } from './outcome.ts';

/** The app-wide SMTP server; the job supplies the recipients. */
export type SmtpServer = Omit<EmailChannel, 'kind' | 'id' | 'to' | 'rules'>;

export function rulesFromJob(n: NotificationRules): NotifyRules {
  return { onSuccess: n.onSuccess, onWarning: n.onWarning, onFailure: n.onFailure, onInterrupted: false };
}

/**
 * The job's e-mail recipients through the app's SMTP server, plus app-wide channels (webhook,
 * Telegram). An app-wide channel without rules of its own follows the job's rules.
 */
export function channelsForJob(
  job: Job,
  settings: { smtp?: SmtpServer; channels?: readonly NotifyChannel[] },
): NotifyChannel[] {
  const rules = rulesFromJob(job.notifications);
  const out: NotifyChannel[] = [];
  if (settings.smtp && job.notifications.email.length > 0)
    out.push({
      ...settings.smtp,
      kind: 'email',
      id: `email:${job.id}`,
      to: [...job.notifications.email],
      rules,
    });
  for (const c of settings.channels ?? []) out.push(c.rules ? c : { ...c, rules });
  return out;
}

/** "Google Drive — Lifeboat/CRM", "Папка — D:\Backups". */
export function destinationText(location: RepositoryLocation, language: Language): string {
  const ru = language === 'ru';
  switch (location.kind) {
    case 'local':
      return `${ru ? 'Папка' : 'Folder'} — ${location.path}`;
    case 'gdrive':
      return `${ru ? 'Google Диск' : 'Google Drive'} — ${location.folder}`;
    case 'dropbox':
      return `Dropbox — ${location.path}`;
  }
}

/**
 * A RunOutcome from a run the history recorded. Returns null for a run still marked running.
 * 'cancelled' and 'interrupted' are both "interrupted" to the reader.
 */
export function outcomeFromJobRun(
  run: JobRun,
  job: Job,
  extra: { language: Language; nextRunAt?: Date | null; warnings?: OutcomeWarning[] },
): RunOutcome | null {
  if (run.status === 'running') return null;
  const status = run.status === 'cancelled' ? 'interrupted' : run.status;
  const startedAt = new Date(run.startedAt);
  const s = run.stats;
  return {
    kind: 'backup',
    jobId: job.id,
    jobName: job.name,
    status,
    startedAt,
    finishedAt: run.finishedAt ? new Date(run.finishedAt) : startedAt,
    snapshotId: run.snapshotId,
    ...(s
      ? {
          filesAdded: s.filesNew + s.filesChanged,
          bytesAdded: s.bytesAdded,
          totalFiles: s.filesProcessed,
          totalBytes: s.bytesProcessed,
          warningCount: s.warnings,
        }
      : {}),
    ...(extra.warnings ? { warnings: extra.warnings } : {}),
    ...(run.error
      ? {
          error: {
            code: run.error.code,
            message: run.error.message,
            ...(run.error.hint ? { hint: run.error.hint } : {}),
          },
        }
      : {}),
    destination: destinationText(job.destination.location, extra.language),
    ...(extra.nextRunAt !== undefined ? { nextRunAt: extra.nextRunAt } : {}),
  };
}
