import { expect, test } from '@playwright/test';
import { openApp, shot, useHost } from './fixtures.ts';

const host = useHost();

const pages = [
  { en: 'Dashboard', ru: 'Обзор' },
  { en: 'Backups', ru: 'Резервные копии' },
  { en: 'Restore', ru: 'Восстановление' },
  { en: 'Settings', ru: 'Настройки' },
] as const;

test('the app shell works in English and Russian, and the language is remembered', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await openApp(page, host);
  await expect(page).not.toHaveURL(/token=/);

  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const p of pages) {
    await nav.getByRole('link', { name: p.en }).click();
    await expect(page.getByRole('heading', { level: 1, name: p.en })).toBeVisible();
    await shot(page, `${p.en.toLowerCase()}-en`);
  }
  await expect(page.getByText('Server, opened in a browser')).toBeVisible();

  await page.getByLabel('Language').selectOption('ru');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  const navRu = page.getByRole('navigation', { name: 'Главное меню' });
  for (const p of pages) {
    await navRu.getByRole('link', { name: p.ru }).click();
    await expect(page.getByRole('heading', { level: 1, name: p.ru })).toBeVisible();
    await shot(page, `${p.en.toLowerCase()}-ru`);
  }
  await expect(page.getByText('Сервер, открыт в браузере')).toBeVisible();
  await expect(page.getByText('Settings', { exact: true })).toHaveCount(0);

  // Remembered by the Service, not by the browser: a reload comes back in Russian.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Настройки' })).toBeVisible();

  await page.getByLabel('Язык').selectOption('en');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  expect(consoleErrors).toEqual([]);
});

test('dark theme applies and is remembered', async ({ page }) => {
  await openApp(page, host);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByText('Dark', { exact: true }).click();
  await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await shot(page, 'settings-dark-en');
  await page.getByText('Light', { exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light');
});

test('without the token the browser gets nothing but instructions', async ({ page }) => {
  const origin = new URL(host.url).origin;
  const response = await page.goto(origin + '/');
  expect(response?.status()).toBe(401);
  await expect(page.getByText('open the link printed by')).toBeVisible();
});
