/**
 * The drill report as one self-contained HTML document: inline CSS, no scripts, no images, no
 * links to anything, so it opens the same in any browser years from now, can be mailed or
 * archived as one file, and prints cleanly on A4 (with a line to sign, for offices that keep
 * paper records of their checks). Every value from the repository is escaped.
 */
import type { Formatter, Language } from '../notify/format.ts';
import { createFormatter, escapeHtml as e } from '../notify/format.ts';
import type { DatabaseCheck, DrillReport } from './drill-types.ts';
import { reportTexts } from './report-texts.ts';
import type { ReportTexts } from './report-texts.ts';

export interface RenderReportOptions {
  /** IANA zone for dates; default: this computer's. */
  timeZone?: string;
}

const css = `
  :root { color-scheme: light; }
  body { font: 14px/1.45 "Segoe UI", Helvetica, Arial, sans-serif; color: #1b1b1b; margin: 0; background: #f3f4f6; }
  main { max-width: 820px; margin: 24px auto; padding: 32px 40px; background: #fff; border: 1px solid #dcdfe3; }
  h1 { font-size: 22px; margin: 0 0 16px; }
  h2 { font-size: 16px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #dcdfe3; }
  .verdict { padding: 12px 16px; border-radius: 4px; font-size: 16px; font-weight: 600; color: #fff; }
  .passed { background: #2b8a3e; }
  .failed { background: #c92a2a; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; vertical-align: top; padding: 5px 10px 5px 0; border-bottom: 1px solid #eef0f2; }
  th { font-weight: 600; color: #555; }
  table.facts th { width: 34%; }
  .num { text-align: right; white-space: nowrap; }
  table.dbs td:first-child { width: 42%; }
  .lines { white-space: pre-line; }
  .mono { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-all; }
  .ok { color: #2b8a3e; }
  .bad { color: #c92a2a; font-weight: 600; }
  .muted { color: #777; }
  ol li { margin: 4px 0; }
  ul.problems li { margin: 6px 0; }
  .sign { display: flex; gap: 32px; margin-top: 28px; }
  .sign div { flex: 1; border-top: 1px solid #999; padding-top: 4px; color: #555; font-size: 12px; }
  footer { margin-top: 28px; color: #888; font-size: 12px; }
  @page { size: A4; margin: 16mm; }
  @media print {
    body { background: #fff; }
    main { margin: 0; padding: 0; border: none; max-width: none; }
    .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    h2, tr, li { break-inside: avoid; }
  }
`;

export function renderDrillReportHtml(
  report: DrillReport,
  language: Language = report.language,
  opts: RenderReportOptions = {},
): string {
  const t = reportTexts[language];
  const fmt = createFormatter(language, opts.timeZone);
  const r = report;
  const started = new Date(r.startedAt);
  const sqlite = r.databases.filter((d) => d.kind === 'sqlite' && d.checked).length;
  const dumps = r.databases.filter((d) => d.kind === 'sql-dump').length;

  const facts: Array<[string, string]> = [
    ...(r.jobName ? [[t.label.job, e(r.jobName)] as [string, string]] : []),
    [t.label.repository, e(r.repository)],
    [t.label.snapshot, `<span class="mono">${e(r.snapshot.id)}</span>`],
    [t.label.snapshotTime, e(fmt.dateTime(new Date(r.snapshot.time)))],
    [t.label.chosen, e(r.chosenAtRandom ? t.chosenAtRandom(r.candidates, fmt) : t.chosenByUser)],
    [t.label.paths, r.snapshot.paths.map((p) => `<span class="mono">${e(p)}</span>`).join('<br>')],
    ...(r.snapshot.hostname ? [[t.label.backupComputer, e(r.snapshot.hostname)] as [string, string]] : []),
    [t.label.drillDate, e(fmt.dateTime(started))],
    [t.label.drillComputer, e(r.computer)],
    [t.label.restored, e(t.outOf(r.files.restored, r.files.expected, fmt.bytes(r.bytes.restored), fmt))],
    [t.label.verified, e(t.outOf(r.files.verified, r.files.expected, fmt.bytes(r.bytes.verified), fmt))],
    [t.label.duration, e(fmt.duration(r.durationMs))],
  ];

  const procedure = t.procedure(
    {
      random: r.chosenAtRandom,
      candidates: r.candidates,
      files: r.contents.files,
      dirs: r.contents.dirs,
      bytes: r.contents.bytes,
      sample: r.sample,
      databases: sqlite,
      dumps,
    },
    fmt,
  );

  const phases = r.phases
    .map(
      (p) => `<tr><td>${e(t.phase[p.name])}</td><td class="num">${e(fmt.duration(p.durationMs))}</td></tr>`,
    )
    .join('\n');

  const databases = r.databases.length
    ? `<table class="dbs">
<tr><th>${e(t.label.file)}</th><th class="num">${e(t.label.size)}</th><th>${e(t.label.result)}</th></tr>
${r.databases.map((d) => databaseRow(d, t, fmt)).join('\n')}
</table>`
    : `<p class="muted">${e(t.noDatabases)}</p>`;

  const problems = r.problems.length
    ? `<ul class="problems">
${r.problems
  .map(
    (p) =>
      `<li><span class="bad">${e(t.problem[p.kind])}</span>${p.path ? `: <span class="mono">${e(p.path)}</span>` : ''}<br><span class="muted lines">${e(p.detail)}</span></li>`,
  )
  .join('\n')}
</ul>${r.passed ? '' : `\n<p>${e(t.whatToDo)}</p>`}`
    : `<p class="ok">${e(t.noProblems)}</p>`;

  return `<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Lifeboat ${e(r.lifeboatVersion)}">
<title>${e(t.title)} — ${e(r.snapshot.id.slice(0, 8))} — ${e(fmt.date(started))}</title>
<style>${css}</style>
</head>
<body>
<main>
<h1>${e(t.title)}</h1>
<p class="verdict ${r.passed ? 'passed' : 'failed'}">${e(r.passed ? t.passed : t.failed)}</p>

<h2>${e(t.sections.summary)}</h2>
<table class="facts">
${facts.map(([k, v]) => `<tr><th>${e(k)}</th><td>${v}</td></tr>`).join('\n')}
</table>

<h2>${e(t.sections.procedure)}</h2>
<ol>
${procedure.map((step) => `<li>${e(step)}</li>`).join('\n')}
</ol>

<h2>${e(t.sections.time)}</h2>
<table>
<tr><th>${e(t.label.step)}</th><th class="num">${e(t.label.duration)}</th></tr>
${phases}
<tr><th>${e(t.label.total)}</th><th class="num">${e(fmt.duration(r.durationMs))}</th></tr>
</table>

<h2>${e(t.sections.databases)}</h2>
${databases}

<h2>${e(t.sections.problems)}</h2>
${problems}

<h2>${e(t.sections.signOff)}</h2>
<div class="sign"><div>${e(t.label.checkedBy)}</div><div>${e(t.label.signature)}</div><div>${e(t.label.date)}</div></div>

<footer>${e(t.footer(r.lifeboatVersion, fmt.dateTime(new Date(r.finishedAt))))}</footer>
</main>
</body>
</html>
`;
}

function databaseRow(d: DatabaseCheck, t: ReportTexts, fmt: Formatter): string {
  let result: string;
  if (d.kind === 'sqlite') result = d.checked ? t.sqliteResult(d.result, d.tables, fmt) : t.notSqlite;
  else result = t.dumpResult(d.dumpState ?? 'text', d.producer);
  const cls = !d.checked ? 'muted' : d.ok ? 'ok' : 'bad';
  return `<tr><td class="mono">${e(d.path)}</td><td class="num">${e(fmt.bytes(d.bytes))}</td><td class="${cls} lines">${e(result)}</td></tr>`;
}
