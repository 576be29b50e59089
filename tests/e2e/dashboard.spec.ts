import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { runCli } from '../helpers/run-cli.ts';
import { startHost, type RunningHost } from './headless-host.ts';

/**
 * The dashboard against the real engine: jobs made with the `lifeboat` CLI in the host's LIFEBOAT_HOME
 * (the secrets file instead of a keychain, since the e2e run has no D-Bus session).
 */
const secretsEnv = { LIFEBOAT_SECRETS: 'file', LIFEBOAT_SECRETS_PASSPHRASE: 'e2e-dashboard-passphrase' };
const password = 'correct horse battery staple';
let host: RunningHost;
let work: string;
const saved: Record<string, string | undefined> = {};

async function cli(args: string[]) {
  const result = await runCli(args, {
    env: { ...secretsEnv, LIFEBOAT_HOME: host.home, LIFEBOAT_PASSWORD: password },
  });
  expect(result.code, `lifeboat ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** A repository and a manual job backing up `source` into it. */
async function createJob(name: string, source: string, repo: string) {
  await cli(['--repo', repo, 'init']);
  await cli(['--repo', repo, 'job', 'add', '--name', name, '--source', source, '--manual']);
}

test.beforeAll(async () => {
  // The host reads these from its environment (headless-host passes process.env through).
  for (const [key, value] of Object.entries(secretsEnv)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  host = await startHost();
  work = mkdtempSync(path.join(os.tmpdir(), 'lb-dash-'));
});

test.afterAll(async () => {
  await host?.stop();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

async function openDashboard(page: Page, lang: 'en' | 'ru') {
  await page.goto(host.url);
  await page.getByRole('navigation').getByRole('link').first().waitFor();
  const current = await page.locator('html').getAttribute('lang');
  if (current !== lang) {
    // The language setting lives on the Settings page.
    await page.goto(host.url.replace(/\/\?/, '/?') + '#/settings');
    await page.getByRole('combobox').first().selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await page.evaluate(() => (window.location.hash = '#/dashboard'));
  }
}

test('a new user sees two clear ways in', async ({ page }) => {
  await openDashboard(page, 'en');
  await expect(page.getByRole('heading', { name: 'Welcome to Lifeboat' })).toBeVisible();
  const setUp = page.getByRole('link', { name: 'Set up backups' });
  const connect = page.getByRole('link', { name: 'Restore on a new computer' }).last();
  await expect(setUp).toHaveAttribute('href', '#/setup');
  await expect(connect).toHaveAttribute('href', '#/connect');
  await page.screenshot({ path: 'tests/e2e/screenshots/dashboard-empty-en.png' });

  await openDashboard(page, 'ru');
  await expect(page.getByRole('link', { name: 'Настроить копирование' })).toBeVisible();
  await page.screenshot({ path: 'tests/e2e/screenshots/dashboard-empty-ru.png' });
  await openDashboard(page, 'en');
});

test('a job shows its card, backs up now with progress and ends protected; a broken destination warns', async ({
  page,
}) => {
  test.setTimeout(120_000);
  // Enough data (random, so it neither compresses nor dedups) for the progress to be seen.
  const source = path.join(work, 'crm');
  mkdirSync(path.join(source, 'uploads'), { recursive: true });
  for (let i = 0; i < 60; i++)
    writeFileSync(path.join(source, 'uploads', `scan-${i}.pdf`), randomBytes(2 * 1024 * 1024));
  writeFileSync(path.join(source, 'customers.csv'), 'id,name\n1,Acme\n');
  const repo = path.join(work, 'repo');
  await createJob('CRM', source, repo);

  const smallSource = path.join(work, 'mail');
  mkdirSync(smallSource);
  writeFileSync(path.join(smallSource, 'inbox.mbox'), 'From: a@b\n\nhello\n');
  const brokenRepo = path.join(work, 'usb-disk');
  await createJob('Mail archive', smallSource, brokenRepo);

  await openDashboard(page, 'en');
  const card = page.getByRole('article', { name: 'CRM' });
  await expect(card).toBeVisible();
  await expect(card.getByTestId('health-badge')).toHaveText('Not backed up yet');
  await expect(card.getByText('Only when you start it')).toBeVisible();

  await card.getByRole('button', { name: 'Back up now' }).click();
  await expect(card.getByTestId('job-progress')).toBeVisible();
  await expect(card.getByRole('progressbar')).toBeVisible();
  await expect(card.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await expect(card.getByTestId('job-progress')).toContainText(/files/);
  await page.screenshot({ path: 'tests/e2e/screenshots/dashboard-running-en.png' });
  await expect(card.getByTestId('health-badge')).toHaveText('Protected', { timeout: 90_000 });
  await expect(card).toHaveAttribute('data-level', 'protected');
  await expect(card.getByTestId('job-progress')).toHaveCount(0);
  await expect(card.getByText('just now', { exact: true })).toBeVisible();
  // The size of what was backed up, from the run's statistics.
  await expect(card.getByText(/^1\d\d(\.\d)? MB$/)).toBeVisible();

  // The second job's destination disappears (an unplugged disk): its run fails, in plain words.
  const mail = page.getByRole('article', { name: 'Mail archive' });
  renameSync(brokenRepo, `${brokenRepo}-unplugged`);
  await mail.getByRole('button', { name: 'Back up now' }).click();
  await expect(mail.getByTestId('health-badge')).toHaveText('Not protected', { timeout: 30_000 });
  await expect(mail.locator('[data-warning="lastRunFailed"]')).toContainText('The last backup failed:');
  await expect(mail.locator('[data-warning="lastRunFailed"]')).toContainText('No backup storage was found');
  await expect(card).toHaveAttribute('data-level', 'protected');
  await expect(card.getByText(/free of/)).toBeVisible();
  await expect(mail.getByText('Free space unknown')).toBeVisible();
  await page.screenshot({ path: 'tests/e2e/screenshots/dashboard-jobs-en.png', fullPage: true });

  await openDashboard(page, 'ru');
  await expect(page.getByRole('article', { name: 'CRM' }).getByTestId('health-badge')).toHaveText('Защищено');
  await expect(page.getByRole('article', { name: 'Mail archive' }).getByTestId('health-badge')).toHaveText(
    'Не защищено',
  );
  await expect(page.getByRole('article', { name: 'CRM' }).getByText(/Свободно .* из/)).toBeVisible();
  await page.screenshot({ path: 'tests/e2e/screenshots/dashboard-jobs-ru.png', fullPage: true });
  await openDashboard(page, 'en');
});
