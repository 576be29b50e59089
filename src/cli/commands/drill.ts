/**
 * `lifeboat drill JOB`: the restore test from the checklist, now, in this process: a random backup
 * of the job is restored into a private scratch folder, every restored file and database verified,
 * the scratch folder deleted, and the documented report kept on this computer and in the repository.
 * Exit codes: 0 passed, 1 failed (or could not run), 130 cancelled.
 */
import type { Command } from 'commander';
import type { DrillRecord } from '../../shared/jobs.ts';
import { formatBytes } from '../output.ts';
import { findJob, withService } from './job.ts';

const exitCodes: Record<DrillRecord['status'], number> = {
  passed: 0,
  failed: 1,
  cancelled: 130,
  interrupted: 130,
  running: 1,
};

function verdict(d: DrillRecord, jobName: string): string {
  const sample = d.sample ? ` (a sample of ${d.sample.files} of ${d.sample.ofFiles} files)` : '';
  const head =
    d.status === 'passed'
      ? `Restore drill of "${jobName}" passed: ${d.filesVerified} file(s), ${formatBytes(d.bytesVerified)} restored and verified${sample} from snapshot ${d.snapshotId?.slice(0, 8) ?? '-'}.`
      : d.status === 'failed' && d.snapshotId
        ? `Restore drill of "${jobName}" FAILED: ${d.problems} problem(s) in snapshot ${d.snapshotId.slice(0, 8)}; ${d.filesVerified} file(s) verified.`
        : d.status === 'failed'
          ? `Restore drill of "${jobName}" could not run: ${d.error?.message ?? 'unknown error'}`
          : `Restore drill of "${jobName}" was ${d.status}.`;
  return [
    head,
    ...(d.error?.hint ? [`hint: ${d.error.hint}`] : []),
    ...(d.reportPath ? [`Report: ${d.reportPath}`] : []),
    ...(d.reportSnapshotId
      ? [`Report in the repository: snapshot ${d.reportSnapshotId.slice(0, 8)} (tag lifeboat-drill-report)`]
      : []),
    `Log: lifeboat job log ${d.jobId} ${d.runId}`,
  ].join('\n');
}

export function registerDrill(program: Command): void {
  program
    .command('drill')
    .description(
      'restore drill: restore a random backup of a job into a scratch folder, verify it, keep a report',
    )
    .argument('<job>', 'job id or name')
    .action(async (ref: string, _o: unknown, command: Command) =>
      withService(command, async (service, ctx) => {
        const job = await findJob(service, ref);
        service.on('progress', (p) => {
          if (p.operation === 'drill')
            ctx.out.progress(`drill: ${p.phase} ${p.filesDone}/${p.filesTotal ?? '?'} files`);
        });
        service.on('log', (line) => {
          if (line.level === 'warn' || line.level === 'error') ctx.out.warn(line.message);
        });
        const { done } = await service.jobManager.startDrill(job.id, 'manual');
        const cancel = (): void => void service.jobManager.cancel(job.id);
        ctx.signal.addEventListener('abort', cancel, { once: true });
        const drill = await done;
        ctx.out.endProgress();
        ctx.out.result(drill, () => verdict(drill, job.name));
        process.exitCode = exitCodes[drill.status];
      }),
    );
}
