import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { addJob, openApp, shot, shotWhole, tempDir, useHost, useLanguage } from './fixtures.ts';

/** The dashboard against the real engine: jobs made with the `lifeboat` CLI in the host's home. */
const host = useHost();

async function openDashboard(page: Page, lang: 'en' | 'ru') {
  await openApp(page, host, '#/dashboard');
  await page.getByRole('navigation').getByRole('link').first().waitFor();
  await useLanguage(page, host, lang);
}

test('a new user sees two clear ways in', async ({ page }) => {
  await openDashboard(page, 'en');
  await expect(page.getByRole('heading', { name: 'Welcome to Lifeboat' })).toBeVisible();
  const setUp = page.getByRole('link', { name: 'Set up backups' });
  const connect = page.getByRole('link', { name: 'Restore on a new computer' }).last();
  await expect(setUp).toHaveAttribute('href', '#/setup');
  await expect(connect).toHaveAttribute('href', '#/connect');
  await shot(page, 'dashboard-empty-en');

  await openDashboard(page, 'ru');
  await expect(page.getByRole('link', { name: 'Настроить копирование' })).toBeVisible();
  await shot(page, 'dashboard-empty-ru');
  await openDashboard(page, 'en');
});

test('a job shows its card, backs up now with progress and ends protected; a broken destination warns', async ({
  page,
}) => {
  test.setTimeout(120_000);
  // Enough data (random, so it neither compresses nor dedups) for the progress to be seen.
  const work = tempDir('lb-e2e-dash-');
  const source = path.join(work, 'crm');
  mkdirSync(path.join(source, 'uploads'), { recursive: true });
  for (let i = 0; i < 60; i++)
    writeFileSync(path.join(source, 'uploads', `scan-${i}.pdf`), randomBytes(2 * 1024 * 1024));
  writeFileSync(path.join(source, 'customers.csv'), 'id,name\n1,Acme\n');
  const repo = path.join(work, 'repo');
  await addJob(host.home, { name: 'CRM', source, repo });

  const smallSource = path.join(work, 'mail');
  mkdirSync(smallSource);
  writeFileSync(path.join(smallSource, 'inbox.mbox'), 'From: a@b\n\nhello\n');
  const brokenRepo = path.join(work, 'usb-disk');
  await addJob(host.home, { name: 'Mail archive', source: smallSource, repo: brokenRepo });

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
  await shot(page, 'dashboard-running-en');
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
  await shotWhole(page, 'dashboard-jobs-en');

  await openDashboard(page, 'ru');
  await expect(page.getByRole('article', { name: 'CRM' }).getByTestId('health-badge')).toHaveText('Защищено');
  await expect(page.getByRole('article', { name: 'Mail archive' }).getByTestId('health-badge')).toHaveText(
    'Не защищено',
  );
  await expect(page.getByRole('article', { name: 'CRM' }).getByText(/Свободно .* из/)).toBeVisible();
  await shotWhole(page, 'dashboard-jobs-ru');
  await openDashboard(page, 'en');
});
