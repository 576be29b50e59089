/**
 * Renders a RunOutcome into what channels send: a subject, a one-line summary, a plain-text body,
 * a simple HTML body (inline styles only: mail clients drop <style> blocks and never load remote
 * files) and a short text for chat messages.
 */
import { hostname as osHostname } from 'node:os';
import { russianErrorText } from './error-texts.ts';
import { createFormatter, escapeHtml } from './format.ts';
import type { Formatter, Language } from './format.ts';
import type { RunOutcome } from './outcome.ts';
import { texts } from './texts.ts';
import type { Texts } from './texts.ts';

export interface RenderOptions {
  language: Language;
  /** IANA zone for dates; default: this computer's. */
  timeZone?: string;
  /** Shown in the footer; default os.hostname(). */
  computer?: string;
}

export interface RenderedMessage {
  subject: string;
  /** One line: "✔ Backup of “CRM” finished: 1,234 files, 35 MB added, took 2 min". */
  summary: string;
  text: string;
  html: string;
  /** For chat (Telegram): the summary and the few facts that matter, under 4096 characters. */
  short: string;
}

interface Row {
  label: string;
  value: string;
}

interface ErrorBlock {
  whatHappened: string;
  details?: string;
  whatToDo?: string;
  code: string;
}

const shownWarnings = 10;
const chatLimit = 4000;

export function renderMessage(outcome: RunOutcome, opts: RenderOptions): RenderedMessage {
  const t = texts[opts.language];
  const fmt = createFormatter(opts.language, opts.timeZone);
  const computer = opts.computer ?? osHostname();
  const subject = `[Lifeboat] ${subjectLine(outcome, t, fmt)}`;
  const summary = summaryLine(outcome, t, fmt);
  const rows = factRows(outcome, t, fmt);
  const error = errorBlock(outcome, opts.language);
  // A failed run's summary already says what went wrong; the block adds details and what to do.
  const errorLines = error
    ? errorText(
        error,
        t,
        outcome.kind === 'backup' || outcome.kind === undefined ? outcome.status === 'failed' : false,
      )
    : [];
  const listLabel = outcome.kind === 'drill' ? t.label.problems : t.label.warnings;
  const warnings = warningLines(outcome, t, fmt);
  const explain = outcomeExplanation(outcome, t, fmt);
  const footer = t.footer(computer);

  const text = [
    summary,
    '',
    ...explain,
    ...(explain.length ? [''] : []),
    ...(errorLines.length ? [...errorLines, ''] : []),
    ...rows.map((r) => `${r.label}: ${r.value}`),
    ...(warnings.length ? ['', `${listLabel}:`, ...warnings.map((w) => `• ${w}`)] : []),
    '',
    `— ${footer}`,
    '',
  ].join('\n');

  const html = renderHtml(outcome, {
    summary,
    rows,
    errorLines,
    warnings,
    listLabel,
    explain,
    footer,
    language: opts.language,
  });

  const shortLines = [
    summary,
    ...explain,
    ...errorLines,
    ...rows
      .filter((r) =>
        [
          t.label.snapshot,
          t.label.destination,
          t.label.nextRun,
          t.label.lastSuccess,
          t.label.report,
        ].includes(r.label),
      )
      .map((r) => `${r.label}: ${r.value}`),
    ...(warnings.length ? [`${listLabel}:`, ...warnings.slice(0, 5).map((w) => `• ${w}`)] : []),
  ];
  let short = shortLines.join('\n');
  if (short.length > chatLimit) short = `${short.slice(0, chatLimit - 1)}…`;
  return { subject, summary, text, html, short };
}

function tookMs(o: RunOutcome): number {
  return Math.max(0, o.finishedAt.getTime() - o.startedAt.getTime());
}

function subjectLine(o: RunOutcome, t: Texts, fmt: Formatter): string {
  if (o.kind === 'test') return t.subject.test;
  if (o.kind === 'watchdog')
    return t.subject.watchdog(o.jobName, fmt.count(o.watchdog?.hoursSince ?? 0, t.hours));
  if (o.kind === 'drill') return t.subject.drill(o.jobName, o.drill?.passed ?? o.status === 'ok');
  return t.subject[o.status](o.jobName);
}

function summaryLine(o: RunOutcome, t: Texts, fmt: Formatter): string {
  if (o.kind === 'test') return t.summary.test(o.jobName);
  const facts = {
    job: o.jobName,
    took: fmt.duration(tookMs(o)),
    warnings: warningCount(o),
    ...(o.filesAdded !== undefined ? { filesAdded: o.filesAdded } : {}),
    ...(o.bytesAdded !== undefined ? { bytesAdded: o.bytesAdded } : {}),
  };
  if (o.kind === 'drill') {
    const d = o.drill;
    return t.summary.drill(
      {
        job: o.jobName,
        took: facts.took,
        passed: d?.passed ?? o.status === 'ok',
        problems: d?.problems ?? warningCount(o),
        files: d?.filesVerified ?? 0,
        bytes: d?.bytesVerified ?? 0,
      },
      fmt,
    );
  }
  if (o.kind === 'watchdog') {
    return t.summary.watchdog(
      { ...facts, hours: o.watchdog?.hoursSince ?? 0, never: !o.watchdog?.lastSuccessAt },
      fmt,
    );
  }
  switch (o.status) {
    case 'ok':
      return t.summary.ok(facts, fmt);
    case 'warning':
      return t.summary.warning(facts, fmt);
    case 'interrupted':
      return t.summary.interrupted(facts);
    case 'failed': {
      const localized =
        fmt.language === 'ru' && o.error ? russianErrorText(o.error.code)?.message : undefined;
      return t.summary.failed({ ...facts, errorMessage: localized ?? o.error?.message ?? '' });
    }
  }
}

function factRows(o: RunOutcome, t: Texts, fmt: Formatter): Row[] {
  const rows: Row[] = [{ label: t.label.job, value: o.jobName }];
  if (o.kind === 'watchdog') {
    const last = o.watchdog?.lastSuccessAt;
    rows.push({ label: t.label.lastSuccess, value: last ? fmt.dateTime(last) : t.never });
  } else if (o.kind !== 'test') {
    rows.push({ label: t.label.started, value: fmt.dateTime(o.startedAt) });
    rows.push({ label: t.label.finished, value: fmt.dateTime(o.finishedAt) });
    rows.push({ label: t.label.took, value: fmt.duration(tookMs(o)) });
    if (o.snapshotId) rows.push({ label: t.label.snapshot, value: o.snapshotId.slice(0, 8) });
    if (o.drill) {
      rows.push({
        label: t.label.verified,
        value: `${fmt.count(o.drill.filesVerified, t.files)}, ${fmt.bytes(o.drill.bytesVerified)}`,
      });
      if (o.drill.reportPath) rows.push({ label: t.label.report, value: o.drill.reportPath });
    }
    if (o.filesAdded !== undefined) {
      const bytes = o.bytesAdded === undefined ? '' : `, ${fmt.bytes(o.bytesAdded)}`;
      rows.push({ label: t.label.added, value: `${fmt.count(o.filesAdded, t.files)}${bytes}` });
    }
    if (o.totalFiles !== undefined || o.totalBytes !== undefined) {
      const parts = [
        ...(o.totalFiles !== undefined ? [fmt.count(o.totalFiles, t.files)] : []),
        ...(o.totalBytes !== undefined ? [fmt.bytes(o.totalBytes)] : []),
      ];
      rows.push({ label: t.label.total, value: parts.join(', ') });
    }
  }
  if (o.destination) rows.push({ label: t.label.destination, value: o.destination });
  if (o.nextRunAt !== undefined && o.kind !== 'test')
    rows.push({ label: t.label.nextRun, value: o.nextRunAt ? fmt.dateTime(o.nextRunAt) : t.notScheduled });
  return rows;
}

function errorBlock(o: RunOutcome, language: Language): ErrorBlock | undefined {
  if (!o.error) return undefined;
  const e = o.error;
  if (language === 'ru') {
    const ru = russianErrorText(e.code);
    if (ru) return { whatHappened: ru.message, details: e.message, whatToDo: ru.hint, code: e.code };
  }
  return { whatHappened: e.message, ...(e.hint ? { whatToDo: e.hint } : {}), code: e.code };
}

function errorText(e: ErrorBlock, t: Texts, inSummary: boolean): string[] {
  return [
    ...(inSummary ? [] : [`${t.label.whatHappened}: ${e.whatHappened}`]),
    ...(e.details && e.details !== e.whatHappened ? [`${t.label.details}: ${e.details}`] : []),
    ...(e.whatToDo ? [`${t.label.whatToDo}: ${e.whatToDo}`] : []),
    `${t.label.errorCode}: ${e.code}`,
  ];
}

export function warningCount(o: RunOutcome): number {
  return Math.max(o.warningCount ?? 0, o.warnings?.length ?? 0);
}

function warningLines(o: RunOutcome, t: Texts, fmt: Formatter): string[] {
  const listed = o.warnings ?? [];
  const lines = listed.slice(0, shownWarnings).map((w) => (w.path ? `${w.path} — ${w.message}` : w.message));
  const rest = warningCount(o) - lines.length;
  if (rest > 0) lines.push(lines.length ? t.moreWarnings(rest, fmt) : t.warningsInLog(rest, fmt));
  return lines;
}

function outcomeExplanation(o: RunOutcome, t: Texts, fmt: Formatter): string[] {
  if (o.kind === 'test') return [t.testBody];
  if (o.kind === 'watchdog')
    return [t.watchdogExplain(fmt.count(o.watchdog?.hours ?? 0, t.hours)), t.watchdogAdvice];
  if (o.kind === 'drill' && o.status !== 'ok') return [t.drillAdvice];
  return [];
}

const statusColor: Record<RunOutcome['status'], string> = {
  ok: '#2b8a3e',
  warning: '#e67700',
  failed: '#c92a2a',
  interrupted: '#495057',
};

function renderHtml(
  o: RunOutcome,
  p: {
    summary: string;
    rows: Row[];
    errorLines: string[];
    warnings: string[];
    listLabel: string;
    explain: string[];
    footer: string;
    language: Language;
  },
): string {
  const e = escapeHtml;
  const color = o.kind === 'test' ? '#1c7ed6' : statusColor[o.status];
  const cell = 'padding:4px 12px 4px 0;vertical-align:top;';
  const rows = p.rows
    .map(
      (r) =>
        `<tr><td style="${cell}color:#666;white-space:nowrap">${e(r.label)}</td><td style="${cell}">${e(r.value)}</td></tr>`,
    )
    .join('\n');
  const error = p.errorLines.length
    ? `<div style="margin:12px 0;padding:10px 12px;border-left:4px solid ${color};background:#fafafa">` +
      p.errorLines.map((line) => `<div>${e(line)}</div>`).join('') +
      `</div>`
    : '';
  const explain = p.explain.map((line) => `<p style="margin:8px 0">${e(line)}</p>`).join('\n');
  const warnings = p.warnings.length
    ? `<p style="margin:12px 0 4px;font-weight:bold">${e(p.listLabel)}</p><ul style="margin:0;padding-left:20px">` +
      p.warnings.map((w) => `<li>${e(w)}</li>`).join('') +
      `</ul>`
    : '';
  return `<!DOCTYPE html>
<html lang="${p.language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(p.summary)}</title></head>
<body style="margin:0;padding:16px;font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#222;background:#fff">
<p style="margin:0 0 12px;padding:10px 12px;border-radius:4px;background:${color};color:#fff;font-size:16px">${e(p.summary)}</p>
${explain}
${error}
<table style="border-collapse:collapse;margin:8px 0">
${rows}
</table>
${warnings}
<p style="margin:16px 0 0;color:#888;font-size:12px">${e(p.footer)}</p>
</body>
</html>
`;
}
