/**
 * Keeping drill reports: as a file in a local folder (drills/<date>-<snapshot>.html), and with
 * the backups themselves. A restic repository has no place for loose files, so the report goes in
 * as a tiny snapshot of its own, tagged `lifeboat-drill-report`, holding report.html and
 * report.json. It then travels with the repository (to the cloud, to a copy), any restic can list
 * and restore it, and it survives the loss of this computer.
 *
 * For the runner: these snapshots carry no `job:<id>` tag, so the job's retention
 * (forget --tag job:<id>) and history view never see them; if a retention ever runs over the whole
 * repository, exclude them (forget keepTags ['lifeboat-drill-report']) or give them a policy of
 * their own (e.g. keep the last 24). They are never picked as a drill's subject
 * (pick-snapshot.ts) nor as a backup's parent (their paths differ from the job's).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { backup } from '../../repo/backup/archiver.ts';
import type { Repository } from '../../repo/repository.ts';
import type { Language } from '../notify/format.ts';
import type { DrillReport } from './drill-types.ts';
import { drillReportTag } from './pick-snapshot.ts';
import { renderDrillReportHtml } from './report-html.ts';

export interface StoreReportOptions {
  /** Default: the report's own language. */
  language?: Language;
  /** Zone for the date in the file name and the report; default: this computer's. */
  timeZone?: string;
}

/** "2025-05-15-4f3c2b1a" */
export function reportBaseName(report: DrillReport, timeZone?: string): string {
  const date = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(report.startedAt));
  return `${date}-${report.snapshot.id.slice(0, 8)}`;
}

/**
 * Writes <folder>/drills/<date>-<snapshot>.html (a second drill of the same snapshot on the same
 * day gets "-2", "-3"…) and returns its path. Written to a temporary name and renamed, so a
 * crash never leaves half a report.
 */
export async function storeDrillReport(
  report: DrillReport,
  folder: string,
  opts: StoreReportOptions = {},
): Promise<string> {
  const html = renderDrillReportHtml(
    report,
    opts.language ?? report.language,
    opts.timeZone ? { timeZone: opts.timeZone } : {},
  );
  const dir = path.join(folder, 'drills');
  await fs.mkdir(dir, { recursive: true });
  const base = reportBaseName(report, opts.timeZone);
  const temp = path.join(dir, `.${base}.${randomBytes(4).toString('hex')}.tmp`);
  await fs.writeFile(temp, html, { flag: 'wx' });
  try {
    for (let n = 1; ; n++) {
      const target = path.join(dir, n === 1 ? `${base}.html` : `${base}-${n}.html`);
      try {
        // link + unlink instead of rename: rename would silently replace an existing report.
        await fs.link(temp, target);
        return target;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  } finally {
    await fs.rm(temp, { force: true });
  }
}

export interface StoredInRepository {
  snapshotId: string;
  tags: string[];
}

/**
 * Stores the report (HTML and JSON) in the repository as a snapshot tagged
 * `lifeboat-drill-report`, `drill-of-<snapshot>` and `drill-passed` / `drill-failed`.
 */
export async function storeDrillReportInRepository(
  repo: Repository,
  report: DrillReport,
  opts: StoreReportOptions & { tmpDir?: string; signal?: AbortSignal } = {},
): Promise<StoredInRepository> {
  const html = renderDrillReportHtml(
    report,
    opts.language ?? report.language,
    opts.timeZone ? { timeZone: opts.timeZone } : {},
  );
  const work = await fs.mkdtemp(path.join(opts.tmpDir ?? tmpdir(), 'lifeboat-drill-report-'));
  try {
    const dir = path.join(work, `drill-report-${reportBaseName(report, opts.timeZone)}`);
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'report.html'), html);
    await fs.writeFile(path.join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    const tags = [
      drillReportTag,
      `drill-of-${report.snapshot.id.slice(0, 8)}`,
      report.passed ? 'drill-passed' : 'drill-failed',
    ];
    const result = await backup(repo, {
      paths: [dir],
      tags,
      time: new Date(report.finishedAt),
      workers: 1,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return { snapshotId: result.snapshotId as string, tags };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
