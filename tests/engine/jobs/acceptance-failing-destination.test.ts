/**
 * Acceptance: "A failing destination produces retries, then an email received by a real SMTP server
 * and a webhook received by a local HTTP endpoint, both with the error in plain words."
 *
 * The job backs up to `gdrive:Lifeboat Backups/CRM` on the Drive emulator through a signed-in
 * account (accounts.json + the refresh token in the SecretStore, the emulator's URLs and OAuth
 * client from the environment). After the repository is set up the Drive answers every request with
 * 503 (OAuth keeps working): each request is retried by the Drive client, each run retries the
 * backup (attempts), and the scheduler plans a retry run after the failed one. Every failed run
 * e-mails the job's recipient through smtp-server and posts to the webhook; both say what went wrong
 * and what to do in plain words, in English, and in Russian once the app's language is Russian.
 * Backoffs are milliseconds: the retry logic runs for real, just fast.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JobRun } from '../../../src/shared/jobs.ts';
import { Service } from '../../../src/engine/service.ts';
import { CloudAccounts } from '../../../src/engine/accounts/cloud-accounts.ts';
import { GoogleTokenProvider } from '../../../src/engine/auth/google-token-provider.ts';
import { MemorySecretStore, secretAccounts } from '../../../src/engine/secrets/secret-store.ts';
import { MemorySettingsStore } from '../../../src/engine/settings/settings-store.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { GoogleDriveBackend } from '../../../src/engine/storage/gdrive/gdrive-backend.ts';
import { openBackend, type OpenBackendOptions } from '../../../src/engine/storage/open-backend.ts';
import type { Backend } from '../../../src/engine/storage/backend.ts';
import { readRunLog } from '../../../src/engine/jobs/run-log.ts';
import { firstRetryDelayMs } from '../../../src/engine/jobs/plan.ts';
import { DriveEmulator } from '../../emulators/gdrive/server.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import {
  internals,
  notifyCaptureEndpoints,
  parseMail,
  patientNotifications,
  startHookEndpoint,
  startMailServer,
  type HookEndpoint,
  type MailServer,
} from './acceptance-helpers.ts';

const repoPassword = 'failing destination password';
const folder = 'Lifeboat Backups/CRM';
const accountId = 'drive-user-1';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-accept-failing-'));
const dataDir = path.join(root, 'data');
const source = path.join(root, 'source');
const minute = 60_000;
/** Run-level retries (attempts = 1 + this) and Drive-request retries per attempt. */
const runRetries = 2;
const driveRetries = 2;

interface WebhookBody {
  schema: string;
  event: string;
  status: string;
  job: { id: string | null; name: string };
  error: { code: string; message: string; hint: string | null } | null;
  destination: string | null;
  language: string;
  title: string;
  text: string;
}

let drive: DriveEmulator;
let smtp: MailServer;
let hook: HookEndpoint;
let service: Service;
const secrets = new MemorySecretStore();
const settings = new MemorySettingsStore();
const finished: JobRun[] = [];
/** The job manager's clock: it ticks, and the test sets it (to a slot, to a planned retry). */
let clockBase = Date.UTC(2026, 2, 2, 1, 0, 0);
let clockSetAt = Date.now();
const now = (): Date => new Date(clockBase + (Date.now() - clockSetAt));
const setClock = (t: number): void => {
  clockBase = t;
  clockSetAt = Date.now();
};

/**
 * The job's storage opener: the same as open-backend.ts for gdrive (the signed-in account from
 * accounts.json, its refresh token from the SecretStore, the Drive URL and OAuth client from the
 * environment), but with millisecond backoff between Drive requests instead of seconds.
 */
async function openFast(location: string, options: OpenBackendOptions): Promise<Backend> {
  if (!location.startsWith('gdrive:')) return openBackend(location, options);
  const account = await new CloudAccounts(options.dataDir).choose('gdrive', options.account);
  const tokens = await GoogleTokenProvider.fromSecretStore(await options.secrets(), account.accountId);
  return new GoogleDriveBackend({
    folder: location,
    tokens,
    retry: { retries: driveRetries, baseMs: 2, maxMs: 10 },
  });
}

beforeAll(async () => {
  drive = await DriveEmulator.start();
  smtp = await startMailServer('backup@office.example', 'smtp-Pa55-acceptance');
  hook = await startHookEndpoint();
  vi.stubEnv('LIFEBOAT_GDRIVE_URL', drive.url);
  vi.stubEnv('LIFEBOAT_GOOGLE_OAUTH_URL', drive.url);
  vi.stubEnv('LIFEBOAT_GOOGLE_CLIENT_ID', drive.clientId);
  vi.stubEnv('LIFEBOAT_GOOGLE_CLIENT_SECRET', drive.clientSecret);

  // Signed in to Google Drive, as `lifeboat login gdrive` leaves it.
  await new CloudAccounts(dataDir).remember({ provider: 'gdrive', accountId, email: 'office@example.com' });
  await secrets.set(secretAccounts.refreshToken('gdrive', accountId), drive.oauth.issueRefreshToken());

  mkdirSync(source, { recursive: true });
  writeFileSync(path.join(source, 'contacts.csv'), 'id,name\n1,Иван\n2,Мария\n');
  const backend = await openFast(`gdrive:${folder}`, { dataDir, secrets: async () => secrets });
  await Repository.init(backend, repoPassword, { kdf: fastKdf });

  service = new Service({
    host: 'headless',
    dataDir,
    settings,
    secrets: async () => secrets,
    runHooks: [{ onRunFinished: (run) => void finished.push(run) }],
    notifications: patientNotifications,
    jobs: {
      now,
      runner: {
        retry: { retries: runRetries, baseMs: 5, maxMs: 20 },
        lock: { settleMs: 0 },
        workers: 1,
        openBackend: openFast,
      },
    },
  });
  await notifyCaptureEndpoints(service, smtp, hook);
});

afterAll(async () => {
  await service?.close();
  await smtp?.close();
  await hook?.close();
  await drive?.close();
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

/** Starts what is due at the current clock and waits for it to be recorded (and notified). */
async function runDue(jobId: string): Promise<JobRun> {
  const before = finished.length;
  expect(await service.jobManager.startDue()).toEqual([jobId]);
  await service.jobManager.idle();
  expect(finished).toHaveLength(before + 1);
  return finished[before]!;
}

/** The one new e-mail and the one new webhook post since the given counts. */
function newMessages(mailsBefore: number, postsBefore: number) {
  expect(smtp.mails).toHaveLength(mailsBefore + 1);
  expect(hook.posts).toHaveLength(postsBefore + 1);
  const mail = smtp.mails[mailsBefore]!;
  return { mail, parsed: parseMail(mail.raw), post: hook.posts[postsBefore]!.body as WebhookBody };
}

describe('a destination that keeps failing', () => {
  it('retries, fails, and says so by e-mail and webhook in plain words, in English and in Russian', async () => {
    const job = await service.saveJob({
      job: {
        name: 'CRM',
        sources: [{ kind: 'folder', path: source, excludes: [] }],
        destination: { location: { kind: 'gdrive', folder } },
        schedule: { kind: 'daily', at: '02:00', timezone: 'UTC' },
        retention: { kind: 'custom', keepLast: 5 },
        checks: { afterBackup: false, readData: { every: 'never', percent: 10 } },
        notifications: {
          desktop: false,
          email: ['boss@office.example'],
          onSuccess: false,
          onWarning: true,
          onFailure: true,
          noSuccessForHours: null,
        },
      },
      password: repoPassword,
    });
    expect(job.destination.location).toEqual({ kind: 'gdrive', folder });

    // From now on Google Drive answers every API request with 503 (sign-in still works).
    drive.setFaults({ rate: 1, kinds: ['error-503'] });
    const requestsBefore = drive.log.length;

    // ---- the scheduled run, in English ----
    setClock(Date.UTC(2026, 2, 2, 2, 0, 0));
    const failed = await runDue(job.id);
    expect(failed).toMatchObject({
      trigger: 'schedule',
      status: 'failed',
      attempts: runRetries + 1,
      snapshotId: null,
      steps: { backup: { status: 'failed', error: { code: 'NETWORK' } } },
      error: {
        code: 'NETWORK',
        message: 'Google Drive is busy and did not answer in time.',
        hint: 'Try again later; the backup continues where it stopped.',
      },
    });
    // Each attempt's Drive requests were retried too, and every one of them got a 503.
    const driveRequests = drive.log.slice(requestsBefore).filter((r) => r.path.startsWith('/drive/'));
    expect(driveRequests.length).toBeGreaterThanOrEqual((runRetries + 1) * (driveRetries + 1));
    expect(driveRequests.every((r) => r.status === 503 && r.fault === 'error-503')).toBe(true);
    const log = (await readRunLog(dataDir, job.id, failed.runId)).lines.map((l) => l.message);
    expect(
      log.filter((m) =>
        /^Backup: NETWORK: Google Drive is busy.*trying again in \d+ s \(attempt \d\)\.$/.test(m),
      ),
    ).toHaveLength(runRetries);
    expect(log).toEqual(
      expect.arrayContaining([
        `Notification email:email:${job.id} sent.`,
        'Notification webhook:office-hook sent.',
        'Finished: failed (NETWORK: Google Drive is busy and did not answer in time.).',
      ]),
    );
    // …and the scheduler plans a retry run half an hour later, before the next day's slot.
    const plan = service.jobManager.plan(job, await service.jobManager.runsOf(job.id));
    expect(plan).toMatchObject({ trigger: 'retry' });
    expect(plan!.at.getTime()).toBe(Date.parse(failed.finishedAt!) + firstRetryDelayMs);

    const en = newMessages(0, 0);
    expect(en.mail.to).toEqual(['boss@office.example']);
    expect(en.parsed.headers.get('x-lifeboat-status')).toBe('failed');
    expect(en.parsed.subject).toBe('[Lifeboat] ✖ Backup of “CRM” failed');
    expect(en.parsed.text).toContain(
      '✖ Backup of “CRM” failed: Google Drive is busy and did not answer in time.',
    );
    expect(en.parsed.text).toContain('What to do: Try again later; the backup continues where it stopped.');
    expect(en.parsed.text).toContain('Error code: NETWORK');
    expect(en.parsed.text).toContain(`Stored in: Google Drive — ${folder}`);
    expect(en.parsed.html).toContain('Google Drive is busy and did not answer in time.');
    expect(en.post).toMatchObject({
      schema: 'lifeboat.notification/1',
      event: 'backup.finished',
      status: 'failed',
      job: { id: job.id, name: 'CRM' },
      error: {
        code: 'NETWORK',
        message: 'Google Drive is busy and did not answer in time.',
        hint: 'Try again later; the backup continues where it stopped.',
      },
      destination: `Google Drive — ${folder}`,
      language: 'en',
      title: en.parsed.subject,
    });
    expect(en.post.text).toContain(
      '✖ Backup of “CRM” failed: Google Drive is busy and did not answer in time.',
    );
    expect(en.post.text).toContain('What to do: Try again later');
    // Plain words only: no stack trace, no error class, no HTTP or library internals.
    for (const words of [
      en.parsed.subject,
      en.parsed.text,
      en.post.title,
      en.post.text,
      JSON.stringify(en.post.error),
    ]) {
      expect(words).not.toMatch(internals);
    }
    expect(en.parsed.text).not.toContain('503');

    // ---- the retry run half an hour later, after the user switched the app to Russian ----
    await service.updateSettings({ language: 'ru' });
    setClock(plan!.at.getTime());
    const retried = await runDue(job.id);
    expect(retried).toMatchObject({
      trigger: 'retry',
      status: 'failed',
      attempts: runRetries + 1,
      error: { code: 'NETWORK' },
    });
    const next = service.jobManager.plan(job, await service.jobManager.runsOf(job.id));
    expect(next).toMatchObject({ trigger: 'retry' });
    expect(next!.at.getTime()).toBe(Date.parse(retried.finishedAt!) + 2 * firstRetryDelayMs); // backing off
    expect(next!.at.getTime()).toBeGreaterThan(plan!.at.getTime() + 30 * minute);

    const ru = newMessages(1, 1);
    expect(ru.parsed.subject).toBe('[Lifeboat] ✖ Не удалось создать резервную копию «CRM»');
    expect(ru.parsed.text).toContain(
      '✖ Не удалось создать резервную копию «CRM»: Не удалось связаться с сервером.',
    );
    expect(ru.parsed.text).toContain(
      'Что сделать: Проверьте подключение к интернету. Lifeboat повторит попытку сам.',
    );
    // The engine's own sentence names the service; it is shown as the detail.
    expect(ru.parsed.text).toContain('Подробности: Google Drive is busy and did not answer in time.');
    expect(ru.parsed.text).toContain('Код ошибки: NETWORK');
    expect(ru.parsed.text).toContain(`Где хранится: Google Диск — ${folder}`);
    expect(ru.parsed.html).toContain('<html lang="ru">');
    expect(ru.post).toMatchObject({
      event: 'backup.finished',
      status: 'failed',
      error: { code: 'NETWORK', message: 'Google Drive is busy and did not answer in time.' },
      destination: `Google Диск — ${folder}`,
      language: 'ru',
      title: ru.parsed.subject,
    });
    expect(ru.post.text).toContain('Не удалось связаться с сервером.');
    expect(ru.post.text).toContain('Что сделать: Проверьте подключение к интернету.');
    for (const words of [ru.parsed.subject, ru.parsed.text, ru.post.title, ru.post.text]) {
      expect(words).not.toMatch(internals);
    }

    // No secret went out with the messages.
    for (const raw of [...smtp.mails.map((m) => m.raw), ...hook.posts.map((p) => p.raw)]) {
      for (const secret of [repoPassword, smtp.password, drive.clientSecret])
        expect(raw).not.toContain(secret);
    }
  });
});
