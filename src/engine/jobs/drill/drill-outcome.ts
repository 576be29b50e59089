/**
 * A finished drill as a notification (kind 'drill'): passed → status 'ok' (sent when the channel
 * wants successes), failed → 'failed' (sent by default). The first problems travel as the
 * outcome's list, worded in the reader's language with the technical detail after them.
 */
import type { Language } from '../notify/format.ts';
import type { RunOutcome } from '../notify/outcome.ts';
import type { DrillReport } from './drill-types.ts';
import { reportTexts } from './report-texts.ts';

const listed = 20;

export function outcomeFromDrill(
  report: DrillReport,
  ctx: { language: Language; jobName?: string; jobId?: string; destination?: string; reportPath?: string },
): RunOutcome {
  const t = reportTexts[ctx.language];
  return {
    kind: 'drill',
    ...(ctx.jobId !== undefined ? { jobId: ctx.jobId } : {}),
    jobName: ctx.jobName ?? report.jobName ?? report.repository,
    status: report.passed ? 'ok' : 'failed',
    startedAt: new Date(report.startedAt),
    finishedAt: new Date(report.finishedAt),
    snapshotId: report.snapshot.id,
    warnings: report.problems.slice(0, listed).map((p) => ({
      ...(p.path ? { path: p.path } : {}),
      message: `${t.problem[p.kind]}: ${p.detail.split('\n')[0] ?? ''}`,
    })),
    warningCount: report.problems.length,
    ...(ctx.destination !== undefined ? { destination: ctx.destination } : {}),
    drill: {
      passed: report.passed,
      problems: report.problems.length,
      filesVerified: report.files.verified,
      bytesVerified: report.bytes.verified,
      ...(ctx.reportPath ? { reportPath: ctx.reportPath } : {}),
    },
  };
}
