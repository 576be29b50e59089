import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { dropboxCallbackPath, dropboxLoopbackPorts } from '../../src/engine/auth/dropbox-loopback.ts';
import { DropboxEmulator } from '../emulators/dropbox/server.ts';
import { DriveEmulator } from '../emulators/gdrive/server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { api, goToHash, openApp, shotWhole as shot, tempDir, useHost, useLanguage } from './fixtures.ts';

/**
 * The setup wizard from a fresh Lifeboat home to a finished first backup, as a shop owner clicks it:
 * to a local folder (English and Russian, every step photographed, a reload in the middle), and to
 * Google Drive (the emulator) through the browser sign-in.
 */
type Strings = Record<string, unknown>;
const strings = (lang: 'en' | 'ru'): Strings =>
  JSON.parse(readFileSync(`src/renderer/i18n/${lang}/wizard.json`, 'utf8')) as Strings;
/** `s('steps.welcome.title', { n: 1 })`: a wizard string of the language, placeholders filled in. */
function text(all: Strings, key: string, vars: Record<string, string | number> = {}): string {
  const value = key.split('.').reduce<unknown>((node, part) => (node as Strings)[part], all);
  return String(value).replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name]));
}

function makeSource(): string {
  const dir = tempDir('lb-e2e-wizard-src-');
  mkdirSync(path.join(dir, 'uploads'));
  writeFileSync(path.join(dir, 'crm.sqlite'), 'CRM data '.repeat(20_000));
  writeFileSync(path.join(dir, 'uploads', 'договор.txt'), 'Договор поставки\n');
  return dir;
}

async function snapshotsOf(
  repo: string,
  password: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ paths: string[] }[]> {
  const result = await runCli(['--repo', repo, 'snapshots', '--json'], {
    env: { LIFEBOAT_PASSWORD: password, ...env },
  });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { paths: string[] }[];
}

interface Walk {
  lang: 'en' | 'ru';
  source: string;
  /** Fills in the destination step (after the sources step). */
  destination: (page: Page, s: Strings) => Promise<void>;
  /** Runs on the schedule step before going on (the reload test). */
  atSchedule?: (page: Page, s: Strings) => Promise<void>;
  /** A webhook to set up and test on the "Tell me" step (otherwise the step is skipped). */
  webhook?: string;
}

/** Clicks through every step to a finished first backup; returns the generated password. */
async function walkWizard(
  page: Page,
  { lang, source, destination, atSchedule, webhook }: Walk,
): Promise<string> {
  const s = strings(lang);
  const title = (step: string) =>
    page.getByRole('heading', { level: 2, name: text(s, `steps.${step}.title`) });
  const next = () => page.getByRole('button', { name: text(s, 'next'), exact: true }).click();

  await expect(title('welcome')).toBeVisible();
  await shot(page, `wizard-welcome-${lang}`);
  await page.getByRole('button', { name: text(s, 'begin') }).click();

  await expect(title('sources')).toBeVisible();
  await next(); // nothing added yet: the step says so instead of going on
  await expect(page.getByText(text(s, 'problems.noSources'))).toBeVisible();
  await page.getByRole('button', { name: text(s, 'sources.addFolder'), exact: true }).click();
  await page.getByLabel(text(s, 'sources.folderLabel', { n: 1 })).fill('relative/path');
  await expect(page.getByText(text(s, 'problems.relativePath'))).toBeVisible();
  await page.getByLabel(text(s, 'sources.folderLabel', { n: 1 })).fill(source);
  await page.getByRole('button', { name: text(s, 'sources.test') }).click();
  await expect(page.getByText(text(s, 'sources.testOk'))).toBeVisible();
  await shot(page, `wizard-sources-${lang}`);
  await next();

  await expect(title('destination')).toBeVisible();
  await destination(page, s);
  await page.getByRole('button', { name: text(s, 'destination.check') }).click();
  await expect(page.getByText(text(s, 'destination.okTitle'))).toBeVisible({ timeout: 20_000 });
  await shot(page, `wizard-destination-${lang}`);
  await next();

  await expect(title('protect')).toBeVisible();
  const password = (await page.getByTestId('generated-password').textContent())!.trim();
  expect(password).toMatch(/^([a-z2-9]{4}-){5}[a-z2-9]{4}$/);
  await next(); // the Recovery Kit is not saved yet
  await expect(page.getByText(text(s, 'problems.kitNotSaved'))).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: text(s, 'kit.download') }).click(),
  ]);
  const kit = readFileSync(await download.path(), 'utf8');
  expect(kit).toContain(password);
  expect(kit).toContain(text(s, 'kit.stepsTitle'));
  // Printing goes through a hidden frame holding the same page (no pop-up: the desktop app allows none).
  await page.getByRole('button', { name: text(s, 'kit.print') }).click();
  await expect(page.locator('iframe.lifeboat-print-frame')).toHaveAttribute('srcdoc', new RegExp(password));
  await page.getByLabel(text(s, 'kit.saved')).check();
  await shot(page, `wizard-protect-${lang}`);
  await next();

  await expect(title('schedule')).toBeVisible({ timeout: 30_000 });
  await atSchedule?.(page, s);
  await page.getByRole('button', { name: text(s, 'schedule.advanced') }).click();
  await expect(page.getByLabel(text(s, 'schedule.howOften'))).toBeVisible();
  await expect(page.getByText(text(s, 'schedule.retention.keep-all'))).toBeVisible();
  await page.waitForTimeout(400); // the panel's opening animation, for the screenshot
  await shot(page, `wizard-schedule-${lang}`);
  await next();

  await expect(title('notify')).toBeVisible();
  await page.getByLabel(text(s, 'notify.emailLabel')).fill('owner@example');
  await next();
  await expect(page.getByText(text(s, 'problems.badEmail'))).toBeVisible();
  await page.getByLabel(text(s, 'notify.emailLabel')).fill('owner@example.com');
  await shot(page, `wizard-notify-${lang}`);
  if (webhook) {
    await page.getByLabel(text(s, 'notify.emailLabel')).fill('');
    await page.getByLabel(text(s, 'notify.webhookLabel')).fill(webhook);
    await page.getByRole('button', { name: text(s, 'notify.test') }).click();
    await expect(page.getByText(text(s, 'notify.sent.webhook'))).toBeVisible({ timeout: 20_000 });
    await next();
  } else {
    await page.getByRole('button', { name: text(s, 'skip') }).click();
  }

  await expect(title('review')).toBeVisible();
  await shot(page, `wizard-review-${lang}`);
  await page.getByRole('button', { name: text(s, 'review.start') }).click();
  await expect(page.getByText(text(s, 'run.doneTitle'))).toBeVisible({ timeout: 60_000 });
  await shot(page, `wizard-done-${lang}`);
  return password;
}

test.describe('setup wizard to a local folder', () => {
  const host = useHost({ per: 'test' }); // each test is a fresh install

  for (const lang of ['en', 'ru'] as const) {
    test(`from a fresh install to a finished first backup (${lang}), resuming after a reload`, async ({
      page,
    }) => {
      test.setTimeout(120_000);
      const consoleErrors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      const source = makeSource();
      const repo = path.join(tempDir('lb-e2e-wizard-dest-'), 'backups');
      // A chat tool's webhook, played by a local server that records what it receives.
      const received: string[] = [];
      const hook = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push(body);
          res.writeHead(200).end('ok');
        });
      });
      await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
      await openApp(page, host);
      await useLanguage(page, host, lang);
      await goToHash(page, '#/setup');

      const password = await walkWizard(page, {
        lang,
        source,
        ...(lang === 'en'
          ? { webhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook` }
          : {}),
        destination: async (p, s) => {
          await p.getByLabel(text(s, 'destination.pathLabel')).fill(repo);
        },
        atSchedule: async (p, s) => {
          // Change something, let it be saved, and reload: the same step, with the same choices.
          const night = p.getByRole('radio', {
            name: lang === 'en' ? 'Every day at 02:00' : 'Каждый день в 02:00',
          });
          await night.check();
          await expect.poll(async () => JSON.stringify(await api(host, 'getSetupDraft'))).toContain('02:00');
          const draft = JSON.stringify(await api(host, 'getSetupDraft'));
          expect(draft).toContain(source);
          expect(draft).toContain(repo);
          await p.reload();
          await expect(
            p.getByRole('heading', { level: 2, name: text(s, 'steps.schedule.title') }),
          ).toBeVisible();
          await expect(night).toBeChecked();
          await p.getByRole('button', { name: text(s, 'back') }).click();
          await expect(p.getByText(text(s, 'protect.readyTitle'))).toBeVisible();
          await p.getByRole('button', { name: text(s, 'back') }).click();
          await expect(p.getByLabel(text(s, 'destination.pathLabel'))).toHaveValue(repo);
          await p.getByRole('button', { name: text(s, 'next'), exact: true }).click();
          await p.getByRole('button', { name: text(s, 'next'), exact: true }).click();
          await expect(
            p.getByRole('heading', { level: 2, name: text(s, 'steps.schedule.title') }),
          ).toBeVisible();
        },
      });
      // Never a password in the draft, and the draft is gone once setup is done.
      expect(await api(host, 'getSetupDraft')).toBeNull();

      const snapshots = await snapshotsOf(repo, password, { LIFEBOAT_HOME: host.home });
      expect(snapshots).toHaveLength(1);
      expect(snapshots[0]!.paths).toContain(source);
      const [job] = await api(host, 'listJobs');
      const details = await api(host, 'getJob', { id: job!.id });
      expect(details.job.schedule).toEqual({ kind: 'daily', at: '02:00' });
      expect(details.job.destination.location).toEqual({ kind: 'local', path: repo });
      if (lang === 'en') {
        expect(received.some((body) => body.includes('lifeboat.notification/1'))).toBe(true);
        const notify = await api(host, 'getNotificationSettings');
        expect(notify.settings.channels).toEqual([expect.objectContaining({ kind: 'webhook' })]);
      }
      hook.close();
      expect(consoleErrors).toEqual([]);
    });
  }
});

/** The clouds, each played by its emulator; the engine finds them through these variables. */
const clouds = [
  {
    provider: 'gdrive',
    name: 'Google Drive',
    repo: 'gdrive:Lifeboat/Shop',
    email: 'owner@example.com',
    start: async () => {
      const drive = await DriveEmulator.start();
      const env = {
        LIFEBOAT_GDRIVE_URL: drive.url,
        LIFEBOAT_GOOGLE_OAUTH_URL: drive.url,
        LIFEBOAT_GOOGLE_CLIENT_ID: drive.clientId,
        LIFEBOAT_GOOGLE_CLIENT_SECRET: drive.clientSecret,
      };
      return { env, close: () => drive.close() };
    },
  },
  {
    provider: 'dropbox',
    name: 'Dropbox',
    repo: 'dropbox:/Lifeboat/Shop',
    email: 'owner@shop.example',
    start: async () => {
      // Dropbox accepts only the redirect addresses registered for the app: the engine's fixed ports.
      const redirectUris = dropboxLoopbackPorts.map(
        (port) => `http://127.0.0.1:${port}${dropboxCallbackPath}`,
      );
      const dropbox = await DropboxEmulator.start({ redirectUris });
      return { env: dropbox.env(), close: () => dropbox.close() };
    },
  },
] as const;

for (const cloud of clouds) {
  test.describe(`setup wizard to ${cloud.name}`, () => {
    let emulator: { env: Record<string, string>; close: () => Promise<void> };
    test.beforeAll(async () => {
      emulator = await cloud.start();
    });
    test.afterAll(async () => {
      await emulator?.close();
    });
    const host = useHost({ env: () => emulator.env });

    test('signs in through the link on the page and backs up into the cloud folder', async ({
      page,
      context,
    }) => {
      test.setTimeout(120_000);
      const source = makeSource();
      await openApp(page, host, '#/setup');
      const password = await walkWizard(page, {
        lang: 'en',
        source,
        destination: async (p, s) => {
          await p.getByText(text(s, `destination.kinds.${cloud.provider}`), { exact: true }).click();
          await p.getByRole('button', { name: `Sign in to ${cloud.name}` }).click();
          const link = p.getByRole('link', { name: text(s, 'signIn.openPage') });
          await expect(link).toBeVisible();
          await shot(p, `wizard-destination-signin-${cloud.provider}-en`);
          // The emulator's consent page approves and redirects to the engine's loopback.
          const [signInPage] = await Promise.all([context.waitForEvent('page'), link.click()]);
          await signInPage.waitForLoadState();
          await expect(p.getByLabel(`${cloud.name} account`).locator('option:checked')).toHaveText(
            cloud.email,
            {
              timeout: 20_000,
            },
          );
          await signInPage.close();
          await p.getByLabel(`Folder in ${cloud.name}`).fill('Lifeboat/Shop');
        },
      });
      const snapshots = await snapshotsOf(cloud.repo, password, {
        ...emulator.env,
        LIFEBOAT_HOME: host.home,
      });
      expect(snapshots).toHaveLength(1);
      expect(snapshots[0]!.paths).toContain(source);
    });
  });
}

test.describe('what to protect: databases and CRMs', () => {
  const host = useHost();

  for (const lang of ['en', 'ru'] as const) {
    test(`finds an EspoCRM install and adds its database and folders (${lang})`, async ({ page }) => {
      const install = tempDir('lb-e2e-espocrm-');
      mkdirSync(path.join(install, 'data', 'upload'), { recursive: true });
      mkdirSync(path.join(install, 'custom'));
      writeFileSync(
        path.join(install, 'data', 'config-internal.php'),
        "<?php\nreturn [\n  'database' => ['host' => 'localhost', 'port' => '3306', 'dbname' => 'espocrm', 'user' => 'espo', 'password' => 'db-secret', 'platform' => 'Mysql'],\n];\n",
      );
      const s = strings(lang);
      await openApp(page, host);
      await useLanguage(page, host, lang);
      await goToHash(page, '#/setup');
      await page.getByRole('button', { name: text(s, 'begin') }).click();
      await page.getByRole('button', { name: text(s, 'sources.findCrm') }).click();
      await page.getByLabel(text(s, 'crm.dirLabel')).fill(install);
      await page.getByRole('button', { name: text(s, 'crm.find'), exact: true }).click();
      await expect(page.getByText(text(s, 'crm.found', { name: 'EspoCRM' }))).toBeVisible();
      await expect(page.getByLabel(text(s, 'sources.database'))).toHaveValue('espocrm');
      await expect(page.getByLabel(text(s, 'sources.user'))).toHaveValue('espo');
      await expect(page.getByText(text(s, 'sources.passwordFound'))).toBeVisible();
      await expect(page.getByRole('textbox', { name: text(s, 'sources.folderLabel', { n: 2 }) })).toHaveValue(
        path.join(install, 'data', 'upload'),
      );
      await shot(page, `wizard-sources-crm-${lang}`);

      // A database server by hand: the fields, and a plain-words problem until they are filled in.
      await page.getByRole('button', { name: text(s, 'sources.addServer') }).click();
      await page.getByRole('button', { name: text(s, 'next'), exact: true }).click();
      await expect(page.getByText(text(s, 'problems.noUser'))).toBeVisible();
      // Nothing secret reaches the draft, not even the password the CRM's settings hold.
      await expect.poll(async () => JSON.stringify(await api(host, 'getSetupDraft'))).toContain('espocrm');
      expect(JSON.stringify(await api(host, 'getSetupDraft'))).not.toContain('db-secret');
      await api(host, 'saveSetupDraft', null);
    });
  }
});
