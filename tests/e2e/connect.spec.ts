import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  api,
  cli,
  goToHash,
  openApp,
  repoPassword,
  shot,
  tempDir,
  useHost,
  useLanguage,
} from './fixtures.ts';

/**
 * "Restore on a new computer": backups made on the old computer (the CLI, its own home), then a
 * fresh install (an empty home) that only knows where they are and their password.
 */
type Strings = Record<string, unknown>;
const wizard = (lang: 'en' | 'ru') =>
  JSON.parse(readFileSync(`src/renderer/i18n/${lang}/wizard.json`, 'utf8')) as {
    connect: Strings;
    problems: Strings;
  };
const strings = (lang: 'en' | 'ru'): Strings => wizard(lang).connect;
const common = (lang: 'en' | 'ru') =>
  JSON.parse(readFileSync(`src/renderer/i18n/${lang}.json`, 'utf8')) as { errors: Record<string, string> };

let repo: string;

/** The new computer: nothing configured; the old one's backups were made before it starts. */
const host = useHost({
  timeout: 60_000,
  prepare: async () => {
    const oldHome = tempDir('lb-e2e-old-computer-');
    const source = tempDir('lb-e2e-connect-src-');
    mkdirSync(path.join(source, 'uploads'));
    writeFileSync(path.join(source, 'uploads', 'invoice.pdf'), 'invoice '.repeat(1000));
    repo = path.join(tempDir('lb-e2e-connect-repo-'), 'backups');
    await cli(oldHome, ['--repo', repo, 'init']);
    await cli(oldHome, ['--repo', repo, 'backup', source]);
  },
});

async function connect(page: Page, lang: 'en' | 'ru'): Promise<void> {
  const s = strings(lang);
  await goToHash(page, '#/connect');
  await expect(page.getByRole('heading', { level: 1, name: String(s.title) })).toBeVisible();
  await page.getByRole('button', { name: String(s.submit) }).click(); // nothing filled in
  await expect(page.getByText(String(wizard(lang).problems.noDestinationPath))).toBeVisible();
  await expect(page.getByText(String(wizard(lang).problems.noExistingPassword))).toBeVisible();

  await page.getByLabel(lang === 'en' ? 'Folder for the backups' : 'Папка для копий').fill(repo);
  await page.getByLabel(String(s.passwordLabel)).fill('not the password');
  await page.getByRole('button', { name: String(s.submit) }).click();
  await expect(page.getByText(String(common(lang).errors.WRONG_PASSWORD))).toBeVisible({ timeout: 20_000 });
  await shot(page, `connect-wrong-password-${lang}`);

  await page.getByLabel(String(s.passwordLabel)).fill(`  ${repoPassword}\n`.trimEnd()); // pasted with a space
  await shot(page, `connect-${lang}`);
  await page.getByRole('button', { name: String(s.submit) }).click();
  await expect(page.getByText(String(s.doneTitle))).toBeVisible({ timeout: 20_000 });
  await shot(page, `connect-done-${lang}`);
}

test('a fresh install opens existing backups with their password and goes to their versions', async ({
  page,
}) => {
  await openApp(page, host);
  await connect(page, 'en');
  const [repository] = await api(host, 'listRepositories');
  expect(repository!.location).toEqual({ kind: 'local', path: repo });

  const s = strings('en');
  await expect(page.getByRole('link', { name: String(s.toRestore) })).toHaveAttribute(
    'href',
    `#/restore?repo=${repository!.repositoryId}`,
  );
  await page.getByRole('link', { name: String(s.toBackups) }).click();
  await expect(page).toHaveURL(new RegExp(`#/backups\\?repo=${repository!.repositoryId}$`));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await shot(page, 'connect-then-backups-en');
});

test('the same in Russian', async ({ page }) => {
  await openApp(page, host);
  await useLanguage(page, host, 'ru');
  await connect(page, 'ru');
  await useLanguage(page, host, 'en');
});

test.describe('on another fresh computer', () => {
  const other = useHost();

  test('the setup wizard continues backups already at the chosen place, with their password', async ({
    page,
  }) => {
    test.setTimeout(90_000);
    const w = JSON.parse(readFileSync('src/renderer/i18n/en/wizard.json', 'utf8')) as {
      steps: Record<string, { title: string }>;
    };
    const source = tempDir('lb-e2e-connect-more-');
    writeFileSync(path.join(source, 'orders.csv'), 'id,total\n1,10\n');
    await openApp(page, other, '#/setup');
    await page.getByRole('button', { name: "Let's start" }).click();
    await page.getByRole('button', { name: 'A folder', exact: true }).click();
    await page.getByLabel('Folder 1').fill(source);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByLabel('Folder for the backups').fill(repo);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(page.getByText('Backups made by Lifeboat are already here')).toBeVisible({
      timeout: 20_000,
    });
    await page.getByRole('button', { name: 'Next', exact: true }).click();

    await expect(page.getByRole('heading', { level: 2, name: w.steps.protect!.title })).toBeVisible();
    await page.getByLabel('Password of the existing backups').fill('wrong');
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(page.getByText('The password is not correct.')).toBeVisible({ timeout: 20_000 });
    await shot(page, 'wizard-protect-existing-en');
    await page.getByLabel('Password of the existing backups').fill(repoPassword);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: w.steps.schedule!.title })).toBeVisible({
      timeout: 20_000,
    });
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Skip this step' }).click();
    await expect(page.getByText('Continues the existing backups, with their password.')).toBeVisible();
    await page.getByRole('button', { name: 'Start the first backup' }).click();
    await expect(page.getByText('Your data is protected')).toBeVisible({ timeout: 60_000 });

    const [repository] = await api(other, 'listRepositories');
    const snapshots = await api(other, 'listSnapshots', { repositoryId: repository!.repositoryId });
    expect(snapshots.map((s) => s.paths[0])).toContain(source);
    expect(snapshots.length).toBeGreaterThanOrEqual(2); // the old computer's and this one's
  });
});
