import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { seedWideFolderSnapshot } from '../helpers/seed-repository.ts';
import {
  addJob,
  api,
  goToHash,
  manyVersions,
  msUntilShown,
  openApp,
  repoPassword,
  runJob,
  scrollToHeading,
  scrollToTop,
  shot,
  tempDir,
  useHost,
  useLanguage,
} from './fixtures.ts';

/**
 * Point-in-time restore through the UI against real backups: a job made with the CLI ran four times;
 * contract.docx was deleted before the last two runs, notes.txt changed every time.
 */
let source: string;
const contract = randomBytes(300_000);
const notes = (run: number) => `Notes, run ${run}\n`.repeat(50 + run);

test.describe.configure({ mode: 'serial' });

const host = useHost({
  timeout: 120_000,
  prepare: async (home) => {
    source = tempDir('lb-e2e-crm-');
    writeFileSync(path.join(source, 'contract.docx'), contract);
    mkdirSync(path.join(source, 'Вложения'));
    writeFileSync(path.join(source, 'Вложения', 'договор.txt'), 'Договор поставки\n');
    const repo = tempDir('lb-e2e-repo-');
    await addJob(home, { name: 'CRM', source, repo, options: ['--manual', '--retention', 'keep-all'] });
    for (let run = 1; run <= 4; run++) {
      if (run === 3) rmSync(path.join(source, 'contract.docx'));
      writeFileSync(path.join(source, 'notes.txt'), notes(run));
      await runJob(home, 'CRM');
    }
  },
});

/** A 128 KB tmpfs for the "not enough space" case (needs root: skipped without it). */
async function withTinyDisk(use: (dir: string) => Promise<void>): Promise<void> {
  const dir = tempDir('lb-e2e-tiny-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    console.warn('cannot mount a tmpfs (not root?): the "not enough space" warning is not tested');
    return;
  }
  try {
    await use(dir);
  } finally {
    execFileSync('umount', [dir]);
  }
}

async function openRestore(page: Page) {
  await openApp(page, host, '#/restore');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

/** The version list, newest first: the n-th option (0 = newest). */
function version(page: Page, n: number) {
  return page.getByRole('listbox', { name: 'Versions' }).getByRole('option').nth(n);
}

/** Opens the source folder of the chosen version through the breadcrumbs' folder links. */
async function openSource(page: Page) {
  for (const part of source.split('/').filter(Boolean)) {
    await page.getByRole('button', { name: part, exact: true }).click();
  }
}

test('a file deleted two versions ago comes back byte for byte, and the report says it was checked', async ({
  page,
}) => {
  await openRestore(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Restore' })).toBeVisible();
  await expect(page.getByRole('listbox', { name: 'Versions' }).getByRole('option')).toHaveCount(4);

  // The two newest versions no longer have it; the third newest does.
  await version(page, 0).click();
  await openSource(page);
  await expect(page.getByText('notes.txt')).toBeVisible();
  await expect(page.getByText('contract.docx')).toHaveCount(0);
  await version(page, 2).click();
  await openSource(page);
  await expect(page.getByRole('checkbox', { name: 'Select contract.docx' })).toBeVisible();
  await scrollToTop(page);
  await shot(page, 'restore-version-en');
  await page.getByRole('checkbox', { name: 'Select contract.docx' }).check();
  await scrollToHeading(page, '2. Choose what to restore');
  await shot(page, 'restore-browsing-en');

  // A disk too small for the 300 KB file: said up front, and the restore cannot be started.
  const restoreButton = page.getByRole('button', { name: 'Restore', exact: true });
  await withTinyDisk(async (disk) => {
    await page.getByLabel('Folder', { exact: true }).fill(path.join(disk, 'restored'));
    await expect(page.getByRole('alert').filter({ hasText: 'Not enough free space' })).toContainText(
      /the restore needs about [\d.]+ kB but only [\d.]+ kB are free/,
    );
    await expect(restoreButton).toBeDisabled();
    await scrollToHeading(page, '3. Choose where to restore');
    await shot(page, 'restore-target-full-en');
  });

  const target = path.join(tempDir('lb-e2e-out-'), 'restored');
  await page.getByLabel('Folder', { exact: true }).fill(target);
  await expect(page.getByText(/^Needs about [\d.]+ kB · [\d.]+ [kMGT]B free on this disk$/)).toBeVisible();
  await scrollToHeading(page, '3. Choose where to restore');
  await shot(page, 'restore-target-en');
  await restoreButton.click();
  await expect(page.getByText('Restored and checked')).toBeVisible({ timeout: 30_000 });
  await expect(
    page.getByText('Every restored file (1) was read back and matches the backup exactly.'),
  ).toBeVisible();
  await expect(page.getByText(path.join(target, source, 'contract.docx'))).toBeVisible();
  await shot(page, 'restore-report-en');

  const restored = readFileSync(path.join(target, source, 'contract.docx'));
  expect(restored.equals(contract)).toBe(true);
});

test('restoring to the original place first names the file it will overwrite', async ({ page }) => {
  await openRestore(page);
  await version(page, 3).click(); // the oldest: notes.txt of run 1
  await openSource(page);
  await page.getByRole('checkbox', { name: 'Select notes.txt' }).check();
  await page.getByLabel('Back to where they were').check();
  await page.getByRole('button', { name: 'Check what will be replaced…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Replace files with the older version?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('Files that will be replaced: 1')).toBeVisible();
  await expect(dialog.getByText(path.join(source, 'notes.txt'))).toBeVisible();
  const go = dialog.getByRole('button', { name: 'Replace and restore' });
  await expect(go).toBeDisabled();
  await shot(page, 'restore-confirm-en');
  await dialog.getByLabel('I understand that the existing files (1) will be replaced').check();
  await go.click();
  await expect(page.getByText('Restored and checked')).toBeVisible({ timeout: 30_000 });
  expect(readFileSync(path.join(source, 'notes.txt'), 'utf8')).toBe(notes(1));
});

test('"which versions contain this file" finds it and jumps to it', async ({ page }) => {
  await openRestore(page);
  await page.getByText('Find a file in all versions').click();
  await page.getByLabel('File or folder name').fill('contract');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('Matches: 2')).toBeVisible();
  await page.getByRole('button', { name: 'Show' }).first().click();
  await expect(page.getByRole('checkbox', { name: 'Select contract.docx' })).toBeVisible();
  await expect(page.getByLabel('Filter this folder')).toHaveValue('contract.docx');
});

test('the restore screens in Russian', async ({ page }) => {
  await openApp(page, host);
  await useLanguage(page, host, 'ru');
  await goToHash(page, '#/restore');
  await page.getByRole('listbox', { name: 'Версии' }).getByRole('option').nth(2).click();
  await openSource(page);
  await scrollToTop(page);
  await shot(page, 'restore-version-ru');
  await page.getByRole('checkbox', { name: 'Выбрать contract.docx' }).check();
  await scrollToHeading(page, '2. Выберите, что восстановить');
  await shot(page, 'restore-browsing-ru');
  await page.getByLabel('На прежнее место').check();
  await page.getByRole('button', { name: 'Проверить, что будет заменено…' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await shot(page, 'restore-confirm-ru');
  await page.getByRole('button', { name: 'Отмена' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await page.getByLabel('В новую папку (рекомендуется)').check();
  await page.getByLabel('Папка', { exact: true }).fill(path.join(tempDir('lb-e2e-out-'), 'ru'));
  await expect(
    page.getByText(/^Нужно около [\d,]+\s?кБ · на этом диске свободно [\d,]+\s?[кМГТ]Б$/),
  ).toBeVisible();
  await scrollToHeading(page, '3. Выберите, куда восстановить');
  await shot(page, 'restore-target-ru');
  await page.getByRole('button', { name: 'Восстановить', exact: true }).click();
  await expect(page.getByText('Восстановлено и проверено')).toBeVisible({ timeout: 30_000 });
  await shot(page, 'restore-report-ru');
  await useLanguage(page, host, 'en');
});

test('a folder of 50,000 entries renders and scrolls to its end quickly', async ({ page }) => {
  test.setTimeout(120_000);
  const dir = tempDir('lb-e2e-wide-');
  const wide = await seedWideFolderSnapshot({ path: dir, password: repoPassword, entries: 50_000 });
  await api(host, 'connectRepository', { location: { kind: 'local', path: dir }, password: repoPassword });
  await openApp(page, host);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  const hash = `#/restore?repo=${wide.repositoryId}&snapshot=${wide.snapshotId}&path=${encodeURIComponent(wide.folder)}`;
  // From the navigation to the first rows on screen.
  const renderMs = await msUntilShown(page, hash, '[data-testid="snapshot-entries"] [role="listitem"]');
  await expect(page.getByText('Items: 50,000')).toBeVisible();

  const scrollMs = await page.evaluate(async () => {
    const list = document.querySelector('[data-testid="snapshot-entries"]')!;
    const start = performance.now();
    list.scrollTop = list.scrollHeight;
    await new Promise<void>((resolve) => {
      const check = () =>
        list.textContent?.includes('invoice-049999.pdf') ? resolve() : requestAnimationFrame(check);
      check();
    });
    return performance.now() - start;
  });
  await expect(page.getByText('invoice-049999.pdf')).toBeVisible();
  const rows = await page.locator('[data-testid="snapshot-entries"] [role="listitem"]').count();

  // Filtering 50,000 names and ticking "select all" stay quick too.
  const filterStart = Date.now();
  await page.getByLabel('Filter this folder').fill('049');
  await expect(page.getByText('invoice-049999.pdf')).toBeVisible();
  const filterMs = Date.now() - filterStart;

  console.log(
    `50,000-entry folder: first rows after ${renderMs.toFixed(0)} ms (listing fetched and rendered), ` +
      `scrolled to the end in ${scrollMs.toFixed(0)} ms, ${rows} rows in the DOM, filter in ${filterMs} ms`,
  );
  expect(rows).toBeLessThan(100); // virtualized: only what is on screen (plus overscan) is rendered
  expect(renderMs).toBeLessThan(8_000);
  expect(scrollMs).toBeLessThan(1_000);
  expect(filterMs).toBeLessThan(3_000);

  // Restoring all of it shows progress and can be cancelled.
  await page.getByLabel('Filter this folder').fill('');
  await page.getByRole('checkbox', { name: 'Select everything shown' }).check();
  await page.getByLabel('Folder', { exact: true }).fill(path.join(tempDir('lb-e2e-out-'), 'wide'));
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await expect(page.getByText(/Files: [\d,]+ of 49,500/)).toBeVisible();
  await shot(page, 'restore-progress-en');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('The operation was cancelled.')).toBeVisible({ timeout: 20_000 });
});

test('2,000 versions over two years: the calendar marks their days and finds a file in all of them', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const seeded = await manyVersions();
  const location = { kind: 'local', path: seeded.path } as const;
  await api(host, 'connectRepository', { location, password: repoPassword });
  await openApp(page, host);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  const listMs = await msUntilShown(
    page,
    `#/restore?repo=${seeded.repositoryId}`,
    '[role="listbox"] [role="option"]',
  );
  await expect(page.getByText('All versions, newest first: 2,000')).toBeVisible();
  expect(await page.getByRole('listbox', { name: 'Versions' }).getByRole('option').count()).toBeLessThan(30);

  // The newest day with versions this month: its label says how many, and picking it lists exactly those.
  const day = page.getByRole('button', { name: /: versions: \d+$/ }).last();
  const count = Number(/versions: (\d+)$/.exec((await day.getAttribute('aria-label'))!)![1]);
  await day.click();
  await expect(page.getByText(`Versions on this day: ${count}`)).toBeVisible();
  await expect(page.getByRole('listbox', { name: 'Versions' }).getByRole('option')).toHaveCount(count);
  await shot(page, 'restore-calendar-en');

  // A version two years back chosen from the full list: the calendar turns to its month and marks its
  // day; clicking that day then lists that day's versions with the chosen one among them.
  const monthLabel = page.locator('[class*="calendarHeaderLevel"]');
  const thisMonth = await monthLabel.textContent();
  await page.getByRole('button', { name: 'Show all days' }).click();
  await expect(page.getByText('All versions, newest first: 2,000')).toBeVisible();
  const versions = page.getByRole('listbox', { name: 'Versions' });
  const oldest = versions.getByRole('option').last();
  const beforeScroll = (await oldest.textContent())!;
  await versions.evaluate((el) => el.parentElement!.scrollTo({ top: el.scrollHeight }));
  await expect(oldest).not.toHaveText(beforeScroll); // the virtual list has drawn its end
  await oldest.click();
  const chosen = versions.getByRole('option', { selected: true });
  const oldestTime = (await chosen.locator('p').first().textContent())!;
  await expect(monthLabel).not.toHaveText(thisMonth!);
  const chosenDay = page.locator('table button[data-selected]');
  await expect(chosenDay).toHaveCount(1);
  await shot(page, 'restore-calendar-chosen-en');
  await chosenDay.click();
  await expect(page.getByText(/^Versions on this day: \d+$/)).toBeVisible();
  await expect(chosen).toContainText(oldestTime);

  const findStart = Date.now();
  await page.getByText('Find a file in all versions').click();
  await page.getByLabel('File or folder name').fill('contract.docx');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText(/Showing the newest 500 matches|Matches: /)).toBeVisible({ timeout: 60_000 });
  const findMs = Date.now() - findStart;
  await page.getByRole('table', { name: 'Versions that contain it' }).evaluate((el) => {
    el.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -200);
  });
  await shot(page, 'restore-find-en');
  console.log(
    `2,000 versions: list shown after ${listMs.toFixed(0)} ms; "contract.docx" searched in all of them in ${findMs} ms`,
  );
  expect(listMs).toBeLessThan(8_000);
  expect(findMs).toBeLessThan(30_000);
  // The newest versions no longer have it (deleted two versions ago): the newest match is the third newest.
  const newestMatch = page.getByRole('table', { name: 'Versions that contain it' }).getByRole('row').nth(1);
  await newestMatch.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByRole('checkbox', { name: 'Select contract.docx' })).toBeVisible();
  const third = seeded.snapshots[seeded.snapshots.length - 3]!;
  await expect(page).toHaveURL(new RegExp(`snapshot=${third.id}`));
});
