import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  addJob,
  api,
  manyVersions,
  openApp,
  repoPassword,
  runJob,
  scrollToTop,
  shot,
  tempDir,
  useHost,
  useLanguage,
} from './fixtures.ts';

/**
 * The backups timeline against the real engine: versions made by real backups (CLI `job run`), and a
 * seeded repository of 2,000 snapshots to measure how the timeline copes (figures printed and bounded).
 */
const host = useHost();

const versionList = (page: Page) => page.getByTestId('version-list');
const details = (page: Page) => page.getByTestId('version-details');

test('real backups appear as versions, and a version shows what changed', async ({ page }) => {
  test.setTimeout(120_000);
  const work = tempDir('lb-e2e-timeline-');
  const source = path.join(work, 'crm');
  mkdirSync(source);
  writeFileSync(path.join(source, 'customers.csv'), 'id,name\n1,Acme\n');
  writeFileSync(path.join(source, 'old-price-list.pdf'), 'prices 2025\n');
  const repo = path.join(work, 'repo');
  await addJob(host.home, { name: 'CRM', source, repo, options: ['--manual', '--retention', 'keep-all'] });
  await runJob(host.home, 'CRM');
  // Second version: a new file and a changed one.
  writeFileSync(path.join(source, 'invoice-2026-05.pdf'), 'invoice\n'.repeat(100));
  writeFileSync(path.join(source, 'customers.csv'), 'id,name\n1,Acme\n2,Globex\n');
  await runJob(host.home, 'CRM');
  // Third version: a file deleted.
  rmSync(path.join(source, 'old-price-list.pdf'));
  await runJob(host.home, 'CRM');

  await openApp(page, host, '#/backups');
  await expect(page.getByRole('heading', { level: 1, name: 'Backups' })).toBeVisible();
  await expect(page.getByTestId('version-count')).toHaveText('3 versions');
  const options = versionList(page).getByRole('option');
  await expect(options).toHaveCount(3);
  await expect(options.first()).toContainText('CRM');
  // How the run that made it ended, from this computer's job history.
  await expect(details(page)).toContainText('Completed');

  // The newest is selected: it removed the price list.
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');
  const diff = details(page).getByTestId('diff');
  await expect(diff).toContainText('Removed: 1');
  await expect(diff).toContainText('Added: 0');
  await expect(diff.locator('[data-change="removed"]')).toContainText('old-price-list.pdf');

  // Keyboard: down to the second version, which added the invoice and changed the customer list.
  await versionList(page).focus();
  await page.keyboard.press('ArrowDown');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(diff).toContainText('Added: 1');
  await expect(diff.locator('[data-change="added"]')).toContainText('invoice-2026-05.pdf');
  await expect(diff.locator('[data-change="modified"]')).toContainText('customers.csv');
  await expect(diff.locator('[data-change="removed"]')).toHaveCount(0);

  // Compare the first and the last: one added, one removed, one changed.
  await page.keyboard.press('End');
  await expect(details(page)).toContainText('This is the first version');
  await page.keyboard.press('Home');
  await details(page).getByRole('tab', { name: 'Compare versions' }).click();
  await details(page).getByLabel('Version A').click();
  await page.getByRole('option').filter({ hasText: 'CRM' }).last().click();
  const compared = details(page).getByTestId('diff');
  await expect(compared.locator('[data-change="added"]')).toContainText('invoice-2026-05.pdf');
  await expect(compared.locator('[data-change="removed"]')).toContainText('old-price-list.pdf');
  await expect(details(page).getByRole('link', { name: 'Restore from this version' })).toHaveAttribute(
    'href',
    /^#\/restore\?repo=[0-9a-f]{64}&snapshot=[0-9a-f]{64}$/,
  );
});

test('2,000 versions: first render, scrolling and zooming stay quick', async ({ page }) => {
  test.setTimeout(180_000);
  const { path: repo, repositoryId } = await manyVersions();
  await api(host, 'connectRepository', { location: { kind: 'local', path: repo }, password: repoPassword });

  await openApp(page, host);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  // First render: from changing the address to the axis and the list being drawn.
  await page.evaluate((id) => {
    (window as unknown as { t0: number }).t0 = performance.now();
    window.location.hash = `#/backups?repo=${id}`;
  }, repositoryId);
  await expect(versionList(page).getByRole('option').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('time-axis').locator('rect').first()).toBeVisible();
  const firstRender = await page.evaluate(() => performance.now() - (window as unknown as { t0: number }).t0);
  await expect(page.getByTestId('version-count')).toHaveText('2,000 versions');
  // Only a screenful of rows is in the page, whatever the number of versions.
  expect(await versionList(page).getByRole('option').count()).toBeLessThan(40);

  // Scrolling the list to the oldest version.
  const scroll = await versionList(page).evaluate(async (list) => {
    const t0 = performance.now();
    list.scrollTop = list.scrollHeight;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    return performance.now() - t0;
  });
  await versionList(page).scrollIntoViewIfNeeded();
  await expect(versionList(page).getByRole('option').last()).toBeInViewport();

  // Keyboard: End selects the oldest; the axis follows it.
  const keyStart = await page.evaluate(() => performance.now());
  await versionList(page).focus();
  await page.keyboard.press('End');
  await expect(details(page)).toContainText('This is the first version');
  const keyEnd = await page.evaluate((t0) => performance.now() - t0, keyStart);

  // Zooming through every level (each redraws the axis with its buckets).
  const zooms: Record<string, number> = {};
  for (const level of ['Year', 'Month', 'Week', 'Day', 'Year']) {
    const before = await page.getByTestId('axis-title').textContent();
    const t0 = await page.evaluate(() => performance.now());
    await page.getByText(level, { exact: true }).click();
    await expect(page.getByTestId('axis-title')).not.toHaveText(before ?? '');
    zooms[level] = Math.round(await page.evaluate((start) => performance.now() - start, t0));
  }

  // Filtering by computer: half of the seeded versions come from each.
  const filterStart = await page.evaluate(() => performance.now());
  await page.getByRole('combobox', { name: 'Computer' }).click();
  await page.getByRole('option', { name: 'crm-server', exact: true }).click();
  await expect(page.getByTestId('version-count')).toHaveText('1,000 of 2,000 versions');
  const filterMs = Math.round(await page.evaluate((t0) => performance.now() - t0, filterStart));
  await expect(versionList(page).getByRole('option').first()).toContainText('crm-server');
  // Choosing the chosen value again removes the filter.
  await page.getByRole('combobox', { name: 'Computer' }).click();
  await page.getByRole('option', { name: 'crm-server', exact: true }).click();
  await expect(page.getByTestId('version-count')).toHaveText('2,000 versions');

  console.log(
    `timeline with 2,000 versions: first render ${Math.round(firstRender)} ms, list scroll ${Math.round(scroll)} ms, ` +
      `End key to oldest ${Math.round(keyEnd)} ms, zoom ${JSON.stringify(zooms)}, filter ${filterMs} ms`,
  );
  // Bounds that catch a pathological regression (rendering every row or every version as a DOM node).
  expect(firstRender).toBeLessThan(3000);
  expect(scroll).toBeLessThan(500);
  expect(keyEnd).toBeLessThan(1500);
  for (const ms of Object.values(zooms)) expect(ms).toBeLessThan(1500);
  expect(filterMs).toBeLessThan(1500);
  // A year holds ~1,000 of the versions: they are gathered into at most 53 bars.
  expect(await page.getByTestId('time-axis').locator('g[data-count]').count()).toBeLessThanOrEqual(53);

  for (const lang of ['en', 'ru'] as const) {
    await useLanguage(page, host, lang);
    await expect(versionList(page).getByRole('option').first()).toBeVisible();
    await versionList(page).focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await expect(details(page).getByTestId('diff')).toBeVisible();
    await scrollToTop(page);
    await shot(page, `timeline-top-${lang}`);
    await shoot(page, `timeline-selected-${lang}`);
    // Compare with a version a few weeks older (picked from the list of versions).
    await details(page).getByRole('tab').nth(1).click();
    await details(page)
      .getByLabel(lang === 'en' ? 'Version A' : 'Версия А')
      .click();
    await page.getByRole('listbox').last().getByRole('option').nth(40).click();
    await expect(details(page).getByTestId('diff')).toBeVisible();
    await shoot(page, `timeline-compare-${lang}`, 'version-details');
  }
  await useLanguage(page, host, 'en');
});

/** The axis at the top of the window (under the app's header), the list and the details below it. */
async function shoot(page: Page, name: string, top: 'time-axis' | 'version-details' = 'time-axis') {
  await page.getByTestId(top).evaluate((element) => {
    const card = element.closest('.mantine-Paper-root') ?? element;
    window.scrollTo(0, card.getBoundingClientRect().top + window.scrollY - 68);
  });
  await shot(page, name);
}
