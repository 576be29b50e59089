/**
 * Every main screen and the states that matter (wizard steps, a version chosen on the timeline and on
 * the restore screen with its file tree, every settings tab), in English and Russian, light and dark,
 * checked by axe-core (WCAG 2.1 A and AA rules) against the real engine: labelled controls, contrast,
 * landmarks, names of buttons and links. Plus the keyboard: Tab walks the dashboard in a sensible order
 * with a visible focus ring.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addJob, api, goToHash, openApp, runJob, shot, tempDir, useHost, useLanguage } from './fixtures.ts';

let source = '';
const host = useHost({
  timeout: 60_000,
  prepare: async (home) => {
    source = tempDir('lb-e2e-a11y-src-');
    writeFileSync(path.join(source, 'customers.csv'), 'id,name\n1,Ivanova\n');
    writeFileSync(path.join(source, 'old-prices.pdf'), 'prices\n');
    const repo = path.join(tempDir('lb-e2e-a11y-repo-'), 'backups');
    await addJob(home, { name: 'CRM', source, repo });
    await runJob(home, 'CRM');
    // A second version that changed something, so the timeline shows a list of changes.
    writeFileSync(path.join(source, 'customers.csv'), 'id,name\n1,Ivanova\n2,Petrov\n');
    writeFileSync(path.join(source, 'invoice.pdf'), 'invoice\n');
    await runJob(home, 'CRM');
  },
});

type Strings = Record<string, unknown>;
/** A screen's string in the language, `{{n}}` placeholders filled in. */
function text(lang: 'en' | 'ru', screen: string, key: string, vars: Record<string, string | number> = {}) {
  const all = JSON.parse(readFileSync(`src/renderer/i18n/${lang}/${screen}.json`, 'utf8')) as Strings;
  const value = key.split('.').reduce<unknown>((node, part) => (node as Strings)[part], all);
  return String(value).replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name]));
}

// LIFEBOAT_A11Y_SHOTS=1 saves what axe saw (a11y-<theme>-<state>-<lang>.png), to look at the colours.
const shots = process.env.LIFEBOAT_A11Y_SHOTS === '1';

/** The rule broken and where; for contrast also the colours and the ratio, to know what to change. */
async function violations(page: Page, name: string): Promise<string[]> {
  if (shots) await shot(page, `a11y-${name}`);
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.map((v) => {
    const nodes = v.nodes.slice(0, 5).map((n) => {
      const data = n.any[0]?.data as { fgColor?: string; bgColor?: string; contrastRatio?: number } | null;
      const colours = data?.fgColor ? ` [${data.fgColor} on ${data.bgColor}: ${data.contrastRatio}]` : '';
      return `${n.target.join(' ')}${colours}`;
    });
    return `${v.id} (${v.impact}): ${v.help} — ${nodes.join(' | ')}`;
  });
}

/** Waits until the screen settled: its code and data arrived (no spinner left), transitions over. */
async function settle(page: Page): Promise<void> {
  await page
    .waitForFunction(() => !document.querySelector('.mantine-Loader-root'), null, { timeout: 5_000 })
    .catch(() => undefined); // a spinner that stays is part of the screen: check it as it is
  await page.waitForTimeout(100);
}

/** One pass over the app in a language and a theme, collecting what axe finds in each state. */
interface Pass {
  page: Page;
  lang: 'en' | 'ru';
  theme: 'light' | 'dark';
  found: string[];
}

async function check(pass: Pass, state: string): Promise<void> {
  await settle(pass.page);
  const name = `${pass.theme}-${state.replace(/\W+/g, '-').replace(/^-|-$/g, '')}-${pass.lang}`;
  for (const v of await violations(pass.page, name)) pass.found.push(`${pass.theme} ${state} ${v}`);
}

const screens = [
  '#/dashboard',
  '#/backups', // the newest version is selected: its list of changes shows
  '#/settings',
  '#/settings?tab=jobs',
  '#/settings?tab=destinations',
  '#/settings?tab=notifications',
  '#/settings?tab=logs',
  '#/connect',
];

async function checkScreens(pass: Pass, hashes: readonly string[]): Promise<void> {
  for (const hash of hashes) {
    await goToHash(pass.page, hash);
    await check(pass, hash);
  }
}

/** The restore screen with the newest version chosen and its files shown. */
async function checkRestore(pass: Pass): Promise<void> {
  const { page, lang } = pass;
  await goToHash(page, '#/restore');
  const versions = page.getByRole('listbox', { name: text(lang, 'restore', 'versions.listLabel') });
  await versions.getByRole('option').first().click();
  await expect(page.getByLabel(text(lang, 'restore', 'browser.listLabel'))).toBeVisible();
  await check(pass, '#/restore (version chosen)');
}

/** The wizard's first steps: welcome, sources, the destination checked, the password with its Recovery Kit. */
async function checkWizard(pass: Pass): Promise<void> {
  const { page, lang } = pass;
  const s = (key: string, vars?: Record<string, number>) => text(lang, 'wizard', key, vars);
  await goToHash(page, '#/setup');
  await check(pass, '#/setup (welcome)');
  await page.getByRole('button', { name: s('begin') }).click();
  await page.getByRole('button', { name: s('sources.addFolder'), exact: true }).click();
  await page.getByLabel(s('sources.folderLabel', { n: 1 })).fill(source);
  await check(pass, '#/setup (sources)');
  await page.getByRole('button', { name: s('next'), exact: true }).click();
  await page.getByLabel(s('destination.pathLabel')).fill(path.join(tempDir('lb-e2e-a11y-dest-'), 'b'));
  await page.getByRole('button', { name: s('destination.check') }).click();
  await expect(page.getByText(s('destination.okTitle'))).toBeVisible({ timeout: 20_000 });
  await check(pass, '#/setup (destination)');
  await page.getByRole('button', { name: s('next'), exact: true }).click();
  await expect(page.getByTestId('generated-password')).toBeVisible();
  await check(pass, '#/setup (password)');
  // Forget the half-done setup, so the next pass starts from the welcome step again.
  await api(host, 'saveSetupDraft', null);
  await page.reload();
}

/** Switches the theme through the Service (remembered), as the settings do. */
async function useTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await api(host, 'updateSettings', { theme });
  await page.locator(`html[data-mantine-color-scheme="${theme}"]`).waitFor();
}

// Contrast depends on the theme, names and labels on the language: English gets every state in both
// themes, Russian every state in the light theme and a smoke check in the dark one (time budget).
const passes = [
  { lang: 'en', theme: 'light', hashes: screens, all: true },
  { lang: 'en', theme: 'dark', hashes: screens, all: true },
  { lang: 'ru', theme: 'light', hashes: screens, all: true },
  { lang: 'ru', theme: 'dark', hashes: ['#/dashboard', '#/settings'], all: false },
] as const;

for (const lang of ['en', 'ru'] as const) {
  test(`every screen passes axe (WCAG 2.1 AA), light and dark (${lang})`, async ({ page }) => {
    test.setTimeout(60_000);
    await openApp(page, host);
    await useLanguage(page, host, lang);
    const found: string[] = [];
    for (const { theme, hashes, all } of passes.filter((p) => p.lang === lang)) {
      const pass: Pass = { page, lang, theme, found };
      await useTheme(page, theme);
      await checkScreens(pass, hashes);
      if (all) {
        await checkRestore(pass);
        await checkWizard(pass);
      }
    }
    expect(found).toEqual([]);
  });
}

test('Tab walks the dashboard in order (menu links, then the main buttons) with a focus ring; Enter opens a screen', async ({
  page,
}) => {
  await openApp(page, host, '#/dashboard');
  await useLanguage(page, host, 'en');
  await useTheme(page, 'light');
  await settle(page);
  const visited: { name: string; inNav: boolean; ring: boolean }[] = [];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    visited.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        // Mantine draws the ring as an outline on :focus-visible (what Tab gives).
        const ring =
          el.matches(':focus-visible') &&
          style.outlineStyle !== 'none' &&
          parseFloat(style.outlineWidth) >= 2 &&
          !/rgba\(.*, 0\)|transparent/.test(style.outlineColor);
        return {
          name: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim(),
          inNav: !!el.closest('nav'),
          ring,
        };
      }),
    );
  }
  // The four menu links first, in their order, then the dashboard's own controls.
  expect(visited.slice(0, 4).map((v) => v.name)).toEqual(['Dashboard', 'Backups', 'Restore', 'Settings']);
  expect(visited.slice(0, 4).every((v) => v.inNav)).toBe(true);
  const main = visited.slice(4).filter((v) => !v.inNav);
  // The page's own action first, then the job card's, left to right.
  expect(main.map((v) => v.name).slice(0, 4)).toEqual(['Add a job', 'Back up now', 'Pause', 'Versions']);
  for (const v of visited) expect(v.ring, `focus ring on "${v.name}"`).toBe(true);

  // Enter on a menu link opens that screen (its code fetched on first use) and focus lands on its title.
  await page.getByRole('link', { name: 'Settings' }).press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeFocused();
});
