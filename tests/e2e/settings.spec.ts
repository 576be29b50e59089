import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { addJob, api, goToHash, openApp, runJob, shot, tempDir, useHost, useLanguage } from './fixtures.ts';

/** The settings screen against a real job (made and run once with the CLI on the host's data folder). */
let jobId: string;

test.describe.configure({ mode: 'serial' });

const host = useHost({
  timeout: 90_000,
  prepare: async (home) => {
    const source = tempDir('lb-e2e-src-');
    writeFileSync(path.join(source, 'crm.csv'), 'id,name\n1,Anna\n');
    const options = ['--daily', '19:00', '--drill', 'never'];
    await addJob(home, { name: 'CRM', source, repo: tempDir('lb-e2e-repo-'), options });
    await runJob(home, 'CRM');
  },
});
test.beforeAll(async () => {
  const [job] = await api(host, 'listJobs');
  jobId = job!.id;
});

async function openTab(page: Page, tab: string) {
  await openApp(page, host, `#/settings?tab=${tab}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

test("a job's schedule is changed and saved", async ({ page }) => {
  await openTab(page, 'jobs');
  const row = page.getByRole('row', { name: /CRM/ });
  await expect(row.getByText('Every day at 19:00')).toBeVisible();
  await shot(page, 'settings-jobs-en');

  await page.getByRole('button', { name: 'Change CRM' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change the backup job' });
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue('CRM');
  await dialog.getByLabel('When', { exact: true }).selectOption('weekly');
  await dialog.getByText('Tue', { exact: true }).click(); // Monday to Friday minus Tuesday
  await dialog.getByLabel('Time', { exact: true }).fill('06:30');
  await shot(page, 'settings-job-edit-en');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByText('Mon, Wed, Thu, Fri at 06:30')).toBeVisible();

  const { job } = await api(host, 'getJob', { id: jobId });
  expect(job.schedule).toEqual({ kind: 'weekly', days: [1, 3, 4, 5], at: '06:30' });

  // A mistake is caught in the form, not sent.
  await page.getByRole('button', { name: 'Change CRM' }).click();
  await dialog.getByLabel('Name', { exact: true }).fill('');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('Give the job a name.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Pause and resume.
  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row.getByText('Paused')).toBeVisible();
  // Polled, not read once: CI saw listJobs answer 'ok' right after the UI showed the pause (about one
  // run in three; cause not found yet). A pause that is really lost still fails here after 5 s.
  await expect.poll(async () => (await api(host, 'listJobs'))[0]!.status, { timeout: 5000 }).toBe('paused');

  // The restore test (set up without one): turned on with its own settings, then off again. The job
  // is paused meanwhile, so the scheduler does not start the first test right away.
  await page.getByRole('button', { name: 'Change CRM' }).click();
  const drillSwitch = dialog.getByRole('switch', { name: 'Test a restore regularly' });
  await expect(drillSwitch).not.toBeChecked();
  await expect(dialog.getByLabel('Files to bring back, at most')).toBeDisabled();
  await drillSwitch.click();
  await dialog.getByLabel('How often', { exact: true }).selectOption('quarterly');
  await dialog.getByLabel('Files to bring back, at most').fill('30');
  await dialog.getByRole('group', { name: 'Restore test' }).scrollIntoViewIfNeeded();
  await shot(page, 'settings-job-drill-en');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  expect((await api(host, 'getJob', { id: jobId })).job.drill).toEqual({
    enabled: true,
    every: 'quarterly',
    sampleFiles: 30,
  });
  await page.getByRole('button', { name: 'Change CRM' }).click();
  await expect(drillSwitch).toBeChecked();
  await drillSwitch.click();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  expect((await api(host, 'getJob', { id: jobId })).job.drill).toMatchObject({
    enabled: false,
    sampleFiles: 30,
  });

  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row.getByRole('button', { name: 'Pause' })).toBeVisible();
  expect((await api(host, 'listJobs'))[0]!.status).not.toBe('paused');
});

test("the logs viewer shows a run's lines", async ({ page }) => {
  await openTab(page, 'logs');
  await page.getByRole('listbox', { name: 'Runs' }).getByRole('option').first().click();
  const log = page.getByLabel('Run log');
  await expect(log).toBeVisible();
  const lines = log.locator('[data-level]');
  expect(await lines.count()).toBeGreaterThan(0);
  const { entries } = await api(host, 'jobHistory', { id: jobId, reconcile: false });
  const run = entries.find((e) => e.kind === 'run');
  const { lines: expected } = await api(host, 'runLog', {
    jobId,
    runId: run!.kind === 'run' ? run!.run.runId : '',
  });
  await expect(lines.first()).toContainText(expected[0]!.message);
  await expect(lines).toHaveCount(expected.length);
  await shot(page, 'settings-logs-en');
});

test('the notifications form saves, and secrets are only said to be saved', async ({ page }) => {
  await openTab(page, 'notifications');
  await page.getByLabel('Send alerts by e-mail').check();
  await page.getByLabel('Server', { exact: true }).fill('smtp.example.com');
  await page.getByLabel('Login', { exact: true }).fill('backup@example.com');
  await page.getByLabel('Password', { exact: true }).fill('mail secret');
  await page.getByLabel('Sender', { exact: true }).fill('Lifeboat <backup@example.com>');
  await page.getByRole('button', { name: 'Add a recipient' }).click();
  await page.getByRole('menuitem', { name: 'Webhook (Slack, Mattermost…)' }).click();
  await page.getByLabel('Webhook address (URL)').fill('https://hooks.example.com/lifeboat');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.getByText('Saved', { exact: true })).toBeVisible(); // the SMTP password badge
  await expect(page.getByLabel('Password', { exact: true })).toHaveCount(0);
  await shot(page, 'settings-notifications-en');

  const view = await api(host, 'getNotificationSettings');
  expect(view.settings.smtp).toMatchObject({
    host: 'smtp.example.com',
    port: 587,
    user: 'backup@example.com',
  });
  expect(view.settings.channels).toEqual([
    expect.objectContaining({ kind: 'webhook', url: 'https://hooks.example.com/lifeboat' }),
  ]);
  expect(view.secrets.smtpPassword).toBe(true);
  expect(JSON.stringify(view)).not.toContain('mail secret');

  await page.reload();
  await expect(page.getByLabel('Webhook address (URL)')).toHaveValue('https://hooks.example.com/lifeboat');
});

test('every section, in English and Russian', async ({ page }) => {
  for (const language of ['en', 'ru'] as const) {
    await openTab(page, 'general');
    await useLanguage(page, host, language);
    for (const tab of ['general', 'jobs', 'destinations', 'notifications', 'logs']) {
      await goToHash(page, `#/settings?tab=${tab}`);
      await expect(page.getByRole('tab', { selected: true })).toBeVisible();
      await page.waitForLoadState('networkidle');
      if (tab === 'logs') await expect(page.locator('[data-level]').first()).toBeVisible();
      await shot(page, `settings-${tab}-${language}`);
    }
  }
  await useLanguage(page, host, 'en');
});

test('a job is deleted only after a confirmation naming it', async ({ page }) => {
  await openTab(page, 'jobs');
  await page.getByRole('button', { name: 'Delete CRM' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete the job “CRM”?' });
  await expect(dialog.getByText('The versions already saved stay in the backup storage')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await api(host, 'listJobs')).toHaveLength(1);
  await page.getByRole('button', { name: 'Delete CRM' }).click();
  await dialog.getByRole('button', { name: 'Delete the job' }).click();
  await expect(page.getByText('There are no backup jobs yet.')).toBeVisible();
  expect(await api(host, 'listJobs')).toEqual([]);
});
