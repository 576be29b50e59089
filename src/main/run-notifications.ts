import { russianErrorText } from '../engine/jobs/notify/error-texts.ts';
import type { JobSummary, ServiceApi } from '../shared/contract.ts';
import type { JobTransition } from './job-tracker.ts';
import { log } from './log.ts';
import type { Notice } from './notifications.ts';
import { textsFor, type Language } from './texts.ts';

type Outcome = 'failed' | 'warning';

/**
 * The run that just ended, if it deserves a desktop notification: the job went from running to failed
 * or warning, and its last run really ended that way. After a cancelled run the summary falls back to
 * the previous result, which may be an old failure the user has already been told about.
 */
export function finishedOutcome({ previous, current }: JobTransition): Outcome | null {
  if (previous?.status !== 'running') return null;
  if (current.status === 'failed' && current.lastRunStatus === 'failed') return 'failed';
  if (
    current.status === 'warning' &&
    (current.lastRunStatus === 'warning' || current.lastRunStatus === 'interrupted')
  ) {
    return 'warning';
  }
  return null;
}

/** Title and body in the user's language; the engine's error message is English, so Russian maps the code. */
export function runNoticeText(
  summary: JobSummary,
  outcome: Outcome,
  language: Language,
): { title: string; body: string } {
  const t = textsFor(language);
  if (outcome === 'warning') {
    const body = summary.lastRunStatus === 'interrupted' ? t.runInterruptedBody : t.runWarningBody;
    return { title: t.runWarningTitle(summary.name), body };
  }
  const error = summary.lastError;
  const localized = error && language === 'ru' ? russianErrorText(error.code) : undefined;
  const message = localized?.message ?? error?.message;
  const hint = localized?.hint ?? error?.hint;
  const body = message ? (hint ? `${message} ${hint}` : message) : t.runFailedBody;
  return { title: t.runFailedTitle(summary.name), body };
}

export interface RunNotificationsOptions {
  jobs: { onTransition(listener: (transition: JobTransition) => void): () => void };
  service: Pick<ServiceApi, 'getJob'>;
  language: () => Language;
  notify: (notice: Notice) => void;
  /** Where a click on the notification leads: the window, on the dashboard. */
  openDashboard: () => void;
}

/**
 * Desktop notifications for runs that ended badly, following each job's own rules (desktop on,
 * onFailure / onWarning). Returns the function that stops listening.
 */
export function notifyRunResults(options: RunNotificationsOptions): () => void {
  const notified = new Set<string>();

  const wanted = async (jobId: string, outcome: Outcome): Promise<boolean> => {
    try {
      const { notifications } = (await options.service.getJob({ id: jobId })).job;
      return (
        notifications.desktop && (outcome === 'failed' ? notifications.onFailure : notifications.onWarning)
      );
    } catch (err) {
      // Better one notification too many than a silent failure.
      log.warn('Could not read the notification rules of a job:', err);
      return true;
    }
  };

  return options.jobs.onTransition((transition) => {
    const outcome = finishedOutcome(transition);
    const runId = transition.previous?.runId;
    if (!outcome) return;
    // One notification per run, even if the same state is reported twice.
    if (runId) {
      if (notified.has(runId)) return;
      notified.add(runId);
    }
    void wanted(transition.current.id, outcome).then((yes) => {
      if (!yes) return;
      const { title, body } = runNoticeText(transition.current, outcome, options.language());
      options.notify({ title, body, onClick: options.openDashboard });
    });
  });
}
