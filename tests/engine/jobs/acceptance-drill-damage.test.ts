/**
 * Acceptance: "A drill restores, verifies and produces a report; a deliberately damaged pack makes
 * the drill fail and notify."
 *
 * Through the job system on a local repository, with a real SMTP server (smtp-server) and a local
 * webhook endpoint set up as the app's notification channels: a backup, then a drill on demand
 * (runDrillNow) that restores and verifies every file and the SQLite database, passes, and leaves an
 * HTML report (on this computer and in the repository) — silently, as a good backup is. Then one
 * byte is flipped inside a pack file, in the data of one file; a week later (the clock moved) the
 * scheduler starts the next drill by itself: it fails, the report names the damaged file, and the
 * e-mail and the webhook say the restore test failed, which file could not be restored and what to
 * do, in plain words.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillRecord } from '../../../src/shared/jobs.ts';
import { Service } from '../../../src/engine/service.ts';
import { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import { MemorySettingsStore } from '../../../src/engine/settings/settings-store.ts';
import { listSnapshot } from '../../../src/engine/repo/ls.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { drillReportTag } from '../../../src/engine/jobs/drill/index.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import {
  internals,
  notifyCaptureEndpoints,
  parseMail,
  patientNotifications,
  startHookEndpoint,
  startMailServer,
  until,
  type HookEndpoint,
  type MailServer,
} from './acceptance-helpers.ts';

const password = 'drill acceptance password';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-accept-drill-'));
const dataDir = path.join(root, 'data');
const repoDir = path.join(root, 'repo');
const source = path.join(root, 'source');
const day = 24 * 3_600_000;

interface WebhookBody {
  event: string;
  status: string;
  job: { id: string | null; name: string };
  snapshotId: string | null;
  warnings: { path: string | null; message: string }[];
  warningCount: number;
  error: unknown;
  drill: { passed: boolean; problems: number; filesVerified: number; bytesVerified: number } | null;
  language: string;
  title: string;
  text: string;
}

/** The test's clock: real time plus an offset the test moves forward. */
let offset = 0;
const now = (): Date => new Date(Date.now() + offset);

let smtp: MailServer;
let hook: HookEndpoint;
let service: Service;

function makeSource(): void {
  mkdirSync(path.join(source, 'Клиенты'), { recursive: true });
  mkdirSync(path.join(source, 'Вложения'), { recursive: true });
  const rows = Array.from({ length: 2000 }, (_, i) => `${i};Клиент ${i};client${i}@example.com\n`);
  writeFileSync(path.join(source, 'Клиенты', 'contacts.csv'), rows.join(''));
  writeFileSync(path.join(source, 'Вложения', 'договор.pdf'), randomBytes(200 * 1024));
  writeFileSync(path.join(source, 'deals.csv'), 'id,amount\n1,100\n2,250\n');
  const db = new DatabaseSync(path.join(source, 'crm.sqlite'));
  db.exec('CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  const add = db.prepare('INSERT INTO contacts (name) VALUES (?)');
  for (let i = 0; i < 500; i++) add.run(`Клиент ${i}`);
  db.close();
}

beforeAll(async () => {
  makeSource();
  await Repository.init(new LocalBackend(repoDir), password, { kdf: fastKdf });
  smtp = await startMailServer('backup@office.example', 'smtp-Pa55-drill');
  hook = await startHookEndpoint();
  const secrets = new MemorySecretStore();
  service = new Service({
    host: 'headless',
    dataDir,
    settings: new MemorySettingsStore(),
    secrets: async () => secrets,
    notifications: patientNotifications,
    jobs: {
      now,
      tickMs: 25,
      runner: { retry: { retries: 0, baseMs: 1, maxMs: 1 }, lock: { settleMs: 0 }, workers: 1 },
    },
  });
  await notifyCaptureEndpoints(service, smtp, hook);
});

afterAll(async () => {
  await service?.close();
  await smtp?.close();
  await hook?.close();
  rmSync(root, { recursive: true, force: true });
});

const finishedDrill = async (jobId: string, runId?: string): Promise<DrillRecord | undefined> =>
  (await service.jobManager.drillsOf(jobId)).find(
    (d) => d.status !== 'running' && (runId === undefined || d.runId === runId),
  );

/** Flips one byte in the middle of the first data blob of `file` inside its pack file. */
async function damageFile(snapshotId: string, file: string): Promise<{ path: string; pack: string }> {
  const repo = await Repository.open(new LocalBackend(repoDir), password);
  for await (const { path: p, node } of listSnapshot(repo, snapshotId)) {
    if (node.type !== 'file' || p !== file) continue;
    const entry = repo.lookupBlob('data', node.content![0]!)!;
    const pack = path.join(repoDir, 'data', entry.packId.slice(0, 2), entry.packId);
    const bytes = await readFile(pack);
    const at = entry.offset + Math.floor(entry.length / 2);
    bytes[at] = bytes[at]! ^ 0xff;
    await chmod(pack, 0o600);
    await writeFile(pack, bytes);
    return { path: p, pack };
  }
  throw new Error(`${file} is not in snapshot ${snapshotId}`);
}

describe('restore drills through the job system', () => {
  let jobId = '';
  let snapshotId = '';

  it('a drill restores, verifies every file and the database, and produces a report', async () => {
    const job = await service.saveJob({
      job: {
        name: 'CRM',
        sources: [{ kind: 'folder', path: source, excludes: [] }],
        destination: { location: { kind: 'local', path: repoDir } },
        schedule: { kind: 'manual' },
        retention: { kind: 'custom', keepLast: 10 },
        // The backup's own checks stay off: here the drill is what finds the damage.
        checks: { afterBackup: false, readData: { every: 'never', percent: 10 } },
        drill: { enabled: true, every: 'weekly', sampleFiles: 10_000 },
        notifications: {
          desktop: false,
          email: ['boss@office.example'],
          onSuccess: false,
          onWarning: true,
          onFailure: true,
          noSuccessForHours: null,
        },
      },
      password,
    });
    jobId = job.id;
    const run = await (await service.jobManager.start(jobId, 'manual', null)).done;
    expect(run).toMatchObject({ status: 'ok' });
    snapshotId = run.snapshotId!;

    const { runId, alreadyRunning } = await service.runDrillNow({ id: jobId });
    expect(alreadyRunning).toBe(false);
    const drill = await until('the drill', () => finishedDrill(jobId, runId));
    expect(drill).toMatchObject({
      trigger: 'manual',
      status: 'passed',
      snapshotId,
      problems: 0,
      filesVerified: 4,
      sample: null,
      error: null,
    });
    expect(drill.bytesVerified).toBeGreaterThan(200 * 1024);

    // The report: an HTML file on this computer, the same through the contract, and in the repository.
    expect(existsSync(drill.reportPath!)).toBe(true);
    const report = await service.drillReport({ jobId, runId });
    expect(report).toMatchObject({ path: drill.reportPath, passed: true });
    expect(report.html).toBe(readFileSync(drill.reportPath!, 'utf8'));
    expect(report.html).toContain('Restore drill report');
    expect(report.html).toContain('✔ Passed');
    expect(report.html).toContain(snapshotId);
    expect(report.html).toContain('integrity_check: ok');
    expect(report.html).toContain('No problems found.');
    const repo = await Repository.open(new LocalBackend(repoDir), password);
    const stored = await repo.listSnapshots({ tags: [drillReportTag] });
    expect(stored.map((s) => s.id)).toEqual([drill.reportSnapshotId]);
    expect(stored[0]!.tags).toContain('drill-passed');

    // A passed drill is silent by default, like a good backup.
    await service.jobManager.idle();
    expect(smtp.mails).toEqual([]);
    expect(hook.posts).toEqual([]);
    expect((await service.listJobs())[0]!.lastDrill).toMatchObject({ runId, passed: true });
  });

  it('a damaged pack makes the next (scheduled) drill fail, name the file in its report, and notify', async () => {
    const damaged = await damageFile(snapshotId, path.join(source, 'Вложения', 'договор.pdf'));

    // A week later the scheduler starts the weekly drill by itself.
    offset = 8 * day;
    service.startScheduler();
    const drill = await until('the scheduled drill', async () => {
      const drills = (await service.jobManager.drillsOf(jobId)).filter((d) => d.status !== 'running');
      return drills.length === 2 && drills[1];
    });
    await service.stopScheduler();
    await service.jobManager.idle();
    expect(drill).toMatchObject({
      trigger: 'schedule',
      status: 'failed',
      snapshotId,
      problems: 1,
      filesVerified: 3,
      error: null,
    });

    // The report names the damaged file; everything else was still verified.
    const report = await service.drillReport({ jobId, runId: drill.runId });
    expect(report).toMatchObject({ path: drill.reportPath, passed: false });
    expect(report.html).toContain('✖ Failed');
    expect(report.html).toContain(damaged.path);
    expect(report.html).toContain('Could not be restored');
    expect(report.html).toContain('integrity_check: ok');
    const repo = await Repository.open(new LocalBackend(repoDir), password);
    const stored = await repo.listSnapshots({ tags: [drillReportTag] });
    expect(stored.find((s) => s.id === drill.reportSnapshotId)?.tags).toContain('drill-failed');

    // The e-mail, through the real SMTP server: the restore test failed, which file, what to do.
    await until('the e-mail', () => smtp.mails.length === 1);
    expect(smtp.mails).toHaveLength(1);
    const mail = parseMail(smtp.mails[0]!.raw);
    expect(smtp.mails[0]!.to).toEqual(['boss@office.example']);
    expect(mail.headers.get('x-lifeboat-status')).toBe('failed');
    expect(mail.subject).toBe('[Lifeboat] ✖ Restore test of “CRM” failed');
    expect(mail.text).toContain('✖ Restore test of “CRM” failed: 1 problem found');
    expect(mail.text).toContain('Do not delete any backups.');
    expect(mail.text).toContain(`Problems:\n• ${damaged.path} — Could not be restored`);
    expect(mail.text).toContain(`Report: ${drill.reportPath}`);
    expect(mail.html).toContain('Restore test of “CRM” failed');

    // The webhook: a failed drill, with the same problem in `warnings`.
    await until('the webhook', () => hook.posts.length === 1);
    expect(hook.posts).toHaveLength(1);
    const post = hook.posts[0]!.body as WebhookBody;
    expect(post).toMatchObject({
      event: 'drill.finished',
      status: 'failed',
      job: { id: jobId, name: 'CRM' },
      snapshotId,
      warningCount: 1,
      drill: { passed: false, problems: 1, filesVerified: 3 },
      language: 'en',
      title: mail.subject,
    });
    expect(post.warnings).toEqual([
      { path: damaged.path, message: expect.stringMatching(/^Could not be restored: /) },
    ]);
    expect(post.text).toContain('✖ Restore test of “CRM” failed: 1 problem found');

    // Plain words: no stack trace, no error class, no internals in what people read.
    for (const words of [mail.subject, mail.text, post.title, post.text])
      expect(words).not.toMatch(internals);

    // The dashboard shows the failed drill.
    expect((await service.listJobs())[0]!.lastDrill).toMatchObject({ runId: drill.runId, passed: false });
  });
});
