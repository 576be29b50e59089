/**
 * Notifications wired into the job system, against a real SMTP server (smtp-server) and a local
 * HTTP server: the settings and their secrets through the Service's contract operations, a failed
 * run (the repository at the job's place was replaced) e-mails the job's recipients and posts to
 * the webhook while a successful one stays silent, test messages per channel, the watchdog alerts
 * once per episode under a moved clock (across a restart), and no secret lands in the data folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDraft, JobRun, NotificationRules } from '../../../src/shared/jobs.ts';
import { Service } from '../../../src/engine/service.ts';
import { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import { MemorySettingsStore } from '../../../src/engine/settings/settings-store.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { readRunLog } from '../../../src/engine/jobs/run-log.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import {
  startHookEndpoint,
  startMailServer,
  until,
  type HookEndpoint,
  type MailServer,
  type ReceivedMail,
  type ReceivedPost,
} from './acceptance-helpers.ts';

const repoPassword = 'wiring repo password';
const smtpUser = 'backup@office.example';
const smtpPassword = 'smtp-Pa55-wiring!';
const webhookSecret = 'hook-secret-0123456789';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-notify-wiring-'));
const dataDir = path.join(root, 'data');
const hour = 3_600_000;

let offset = 0;
const now = (): Date => new Date(Date.now() + offset);

/** What Lifeboat's webhook posts, as far as these tests read it. */
interface Post extends ReceivedPost {
  body: {
    event: string;
    status: string;
    job: { id: string | null; name: string };
    error: { code: string } | null;
  };
}
let smtp: MailServer;
let hook: HookEndpoint;
// The endpoints' own arrays: they fill as messages arrive.
let mails: ReceivedMail[] = [];
let posts: Post[] = [];
let smtpPort = 0;
let httpPort = 0;
const secrets = new MemorySecretStore();

beforeAll(async () => {
  smtp = await startMailServer(smtpUser, smtpPassword);
  smtpPort = smtp.port;
  mails = smtp.mails;
  hook = await startHookEndpoint();
  httpPort = Number(new URL(hook.url).port);
  posts = hook.posts as Post[];
});

const services: Service[] = [];
afterAll(async () => {
  for (const s of services) await s.close();
  await smtp.close();
  await hook.close();
  rmSync(root, { recursive: true, force: true });
});

function makeService(): Service {
  const service = new Service({
    host: 'headless',
    dataDir,
    settings: new MemorySettingsStore(),
    secrets: async () => secrets,
    notifications: {
      tuning: {
        email: { connectionTimeoutMs: 3000, greetingTimeoutMs: 3000, socketTimeoutMs: 3000 },
        http: { timeoutMs: 3000, retries: 0 },
      },
    },
    jobs: {
      now,
      tickMs: 20,
      runner: { retry: { retries: 0, baseMs: 1, maxMs: 1 }, lock: { settleMs: 0 }, workers: 1 },
    },
  });
  services.push(service);
  return service;
}

const settle = (ms = 250) => new Promise((r) => setTimeout(r, ms));

function makeSource(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'contacts.csv'), 'id,name\n1,Иван\n2,Мария\n');
  return dir;
}

async function newRepo(name: string): Promise<string> {
  const dir = path.join(root, name);
  await Repository.init(new LocalBackend(dir), repoPassword, { kdf: fastKdf });
  return dir;
}

const rules = (over: Partial<NotificationRules> = {}): NotificationRules => ({
  desktop: false,
  email: [],
  onSuccess: false,
  onWarning: true,
  onFailure: true,
  noSuccessForHours: null,
  ...over,
});

function draft(source: string, repo: string, over: Partial<JobDraft> = {}): JobDraft {
  return {
    name: 'CRM',
    sources: [{ kind: 'folder', path: source, excludes: [] }],
    destination: { location: { kind: 'local', path: repo } },
    schedule: { kind: 'manual' },
    retention: { kind: 'custom', keepLast: 5 },
    ...over,
  };
}

async function runNow(service: Service, id: string): Promise<JobRun> {
  return (await service.jobManager.start(id, 'manual', null)).done;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('notifications wired into jobs', () => {
  it('settings keep their secrets in the SecretStore; a failed run e-mails and posts, a successful one is silent', async () => {
    const service = makeService();
    const view = await service.saveNotificationSettings({
      settings: {
        smtp: {
          host: '127.0.0.1',
          port: smtpPort,
          security: 'none',
          user: smtpUser,
          from: 'Lifeboat <backup@office.example>',
        },
        channels: [{ kind: 'webhook', id: 'hook', url: `http://127.0.0.1:${httpPort}/hook`, auth: 'bearer' }],
      },
      smtpPassword,
      webhookSecrets: { hook: webhookSecret },
    });
    expect(view.secrets).toEqual({ smtpPassword: true, telegramTokens: [], webhookSecrets: ['hook'] });
    await expect(
      service.saveNotificationSettings({
        settings: { smtp: null, channels: [] },
        webhookSecrets: { nope: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    const repo = await newRepo('repo-fail');
    const job = await service.saveJob({
      job: draft(makeSource('src-fail'), repo, { notifications: rules({ email: ['boss@office.example'] }) }),
      password: repoPassword,
    });

    expect(await runNow(service, job.id)).toMatchObject({ status: 'ok' });
    expect(mails).toHaveLength(0); // success: silent by default
    expect(posts).toHaveLength(0);

    // Someone put another repository where the job's was: the run must fail, and say so.
    rmSync(repo, { recursive: true, force: true });
    await newRepo('repo-fail');
    const failed = await runNow(service, job.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'REPO_NOT_FOUND' } });
    // Hooks finish before the run's promise settles: the messages are already there.
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['boss@office.example']);
    expect(mails[0]!.raw).toMatch(/X-Lifeboat-Status: failed/);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers.authorization).toBe(`Bearer ${webhookSecret}`);
    expect(posts[0]!.body).toMatchObject({
      event: 'backup.finished',
      status: 'failed',
      job: { id: job.id, name: 'CRM' },
      error: { code: 'REPO_NOT_FOUND' },
    });
    const log = await readRunLog(dataDir, job.id, failed.runId);
    expect(log.lines.map((l) => l.message)).toEqual(
      expect.arrayContaining([`Notification email:email:${job.id} sent.`, 'Notification webhook:hook sent.']),
    );

    // Test messages: one channel, a job's recipients, or every app-wide channel.
    expect(await service.testNotification({ channelId: 'hook' })).toEqual([
      { channel: 'hook', kind: 'webhook', ok: true, skipped: false, attempts: 1 },
    ]);
    expect(posts[1]!.body.event).toBe('test');
    expect(await service.testNotification({ channelId: `email:${job.id}` })).toMatchObject([{ ok: true }]);
    expect(mails).toHaveLength(2);
    expect(await service.testNotification(undefined)).toMatchObject([{ channel: 'hook', ok: true }]);
    await expect(service.testNotification({ channelId: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    // A wrong mail password is reported per channel, not thrown.
    await service.saveNotificationSettings({ settings: view.settings, smtpPassword: 'not-the-Pa55-xyz' });
    const wrong = await service.testNotification({ channelId: `email:${job.id}` });
    expect(wrong).toMatchObject([{ ok: false, error: { code: 'AUTH_REQUIRED' } }]);
    await service.saveNotificationSettings({ settings: view.settings, smtpPassword });

    // A Telegram channel's token is kept while the channel exists and deleted with it.
    const withTelegram = await service.saveNotificationSettings({
      settings: {
        ...view.settings,
        channels: [...view.settings.channels, { kind: 'telegram', id: 'tg', chatId: -100123 }],
      },
      telegramToken: '123456:telegram-token-wiring',
    });
    expect(withTelegram.secrets).toMatchObject({ smtpPassword: true, telegramTokens: ['tg'] });
    expect(await secrets.get('telegram-bot-token:tg')).toBe('123456:telegram-token-wiring');
    expect(
      (await service.saveNotificationSettings({ settings: view.settings })).secrets.telegramTokens,
    ).toEqual([]);
    expect(await secrets.get('telegram-bot-token:tg')).toBeUndefined();

    await service.close();
    const everything = filesUnder(dataDir).map((f) => readFileSync(f, 'utf8'));
    expect(everything.some((t) => t.includes('"hook"'))).toBe(true); // the settings are on disk…
    for (const secret of [
      smtpPassword,
      webhookSecret,
      repoPassword,
      'not-the-Pa55-xyz',
      'telegram-token-wiring',
    ]) {
      expect(everything.filter((t) => t.includes(secret))).toEqual([]); // …their secrets are not
    }
  });

  it('the watchdog alerts once per episode when backups stop succeeding, across a restart', async () => {
    offset = 0;
    let service = makeService();
    const at = new Date(now().getTime() + 12 * hour);
    const hhmm = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
    const job = await service.saveJob({
      job: draft(makeSource('src-watch'), await newRepo('repo-watch'), {
        name: 'Watched',
        schedule: { kind: 'daily', at: hhmm, timezone: 'UTC' },
        notifications: rules({ noSuccessForHours: 2 }),
      }),
      password: repoPassword,
    });
    expect(await runNow(service, job.id)).toMatchObject({ status: 'ok' });
    const overdue = () => posts.filter((p) => p.body.event === 'backup.overdue' && p.body.job.id === job.id);
    service.startScheduler();
    offset = 1 * hour;
    await settle();
    expect(overdue()).toHaveLength(0);

    offset = 3 * hour;
    await until('the overdue alert', () => overdue().length === 1);
    expect(overdue()[0]!.body).toMatchObject({ status: 'failed', job: { name: 'Watched' } });
    await settle();
    expect(overdue()).toHaveLength(1); // once per episode, not on every tick

    await service.close();
    service = makeService();
    service.startScheduler();
    offset = 4 * hour;
    await settle();
    expect(overdue()).toHaveLength(1); // the episode is remembered across a restart

    expect(await runNow(service, job.id)).toMatchObject({ status: 'ok' }); // a new success ends the episode
    await settle(100);
    offset = 7 * hour;
    await until('the alert of the next episode', () => overdue().length === 2);
    await service.close();
  });
});
