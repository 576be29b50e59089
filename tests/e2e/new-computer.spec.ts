import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { addJob, api, openApp, repoPassword, runJob, shot, tempDir, useHost } from './fixtures.ts';

/**
 * Disaster recovery: the office PC is gone. Its backups (made by a job on the old computer's data
 * folder) are opened on a new computer whose Lifeboat has never seen them, through "Restore on a new
 * computer", and a file comes back identical.
 */
let repo: string;
let source: string;
const database = randomBytes(200_000);

/** The new computer: its Lifeboat home is empty; the old one's backups were made before it starts. */
const newComputer = useHost({
  timeout: 90_000,
  prepare: async () => {
    const oldHome = tempDir('lb-e2e-old-pc-');
    source = tempDir('lb-e2e-crm-');
    repo = tempDir('lb-e2e-nas-');
    mkdirSync(path.join(source, 'db'));
    writeFileSync(path.join(source, 'db', 'crm.sqlite'), database);
    writeFileSync(path.join(source, 'readme.txt'), 'CRM data\n');
    await addJob(oldHome, { name: 'CRM', source, repo, options: ['--manual', '--drill', 'never'] });
    await runJob(oldHome, 'CRM');
  },
});

test('a new computer connects to the backups and restores a file with identical bytes', async ({ page }) => {
  expect(await api(newComputer, 'listRepositories')).toEqual([]);
  await openApp(page, newComputer, '#/connect');
  await expect(page.getByRole('heading', { level: 1, name: 'Restore on a new computer' })).toBeVisible();
  await page.getByLabel('Folder for the backups').fill(repo);
  await page.getByLabel('Password of the backups').fill(repoPassword);
  await page.getByRole('button', { name: 'Open the backups' }).click();
  await expect(page.getByText('Your backups are here')).toBeVisible({ timeout: 20_000 });
  await page.getByRole('link', { name: 'Restore files' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Restore' })).toBeVisible();
  await page.getByRole('listbox', { name: 'Versions' }).getByRole('option').first().click();
  for (const part of [...source.split('/').filter(Boolean), 'db']) {
    await page.getByRole('button', { name: part, exact: true }).click();
  }
  await page.getByRole('checkbox', { name: 'Select crm.sqlite' }).check();
  const target = path.join(tempDir('lb-e2e-out-'), 'from-backup');
  await page.getByLabel('Folder', { exact: true }).fill(target);
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByText('Restored and checked')).toBeVisible({ timeout: 30_000 });
  await shot(page, 'restore-new-computer-en');

  const restored = readFileSync(path.join(target, source, 'db', 'crm.sqlite'));
  expect(restored.equals(database)).toBe(true);
  // The repository is known on the new computer for restores only (no job backs up into it here).
  const [known] = await api(newComputer, 'listRepositories');
  expect(known?.jobIds).toEqual([]);
});
