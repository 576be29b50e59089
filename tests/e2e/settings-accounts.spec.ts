import { expect, test, type Page } from '@playwright/test';
import { copySignInCode, DropboxEmulator } from '../emulators/dropbox/server.ts';
import { DriveEmulator } from '../emulators/gdrive/server.ts';
import { openApp, shot, useHost, useLanguage } from './fixtures.ts';

/**
 * Settings → Storage and accounts with Google Drive (its emulator): sign in, sign in again, and
 * disconnect after the confirmation, following the sign-in link the page shows (a server cannot
 * open the user's browser).
 */
let drive: DriveEmulator;
let dropbox: DropboxEmulator;
test.beforeAll(async () => {
  drive = await DriveEmulator.start();
  dropbox = await DropboxEmulator.start({ redirectUris: [] }); // no loopback: only the pasted code works
});
test.afterAll(async () => {
  await drive?.close();
  await dropbox?.close();
});
const host = useHost({
  env: () => ({
    ...dropbox.env(),
    LIFEBOAT_GDRIVE_URL: drive.url,
    LIFEBOAT_GOOGLE_OAUTH_URL: drive.url,
    LIFEBOAT_GOOGLE_CLIENT_ID: drive.clientId,
    LIFEBOAT_GOOGLE_CLIENT_SECRET: drive.clientSecret,
  }),
});

/** Follows the page's sign-in link; the emulator's consent page approves and redirects to the engine. */
async function followSignInLink(page: Page): Promise<void> {
  const link = page.getByRole('link', { name: 'open it here' });
  await expect(link).toBeVisible();
  const [signInPage] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  await signInPage.waitForLoadState();
  await expect(link).toBeHidden({ timeout: 20_000 }); // signing in finished
  await signInPage.close();
}

test('Google Drive: sign in, sign in again, disconnect', async ({ page }) => {
  test.setTimeout(90_000);
  await openApp(page, host, '#/settings?tab=destinations');
  const accounts = page.getByRole('table', { name: 'Cloud accounts' });
  await expect(page.getByText('No cloud account is connected.')).toBeVisible();

  await page.getByRole('button', { name: 'Connect Google Drive' }).click();
  await followSignInLink(page);
  const row = accounts.getByRole('row', { name: /owner@example\.com/ });
  await expect(row).toBeVisible();
  await expect(row.getByText('Google Drive')).toBeVisible();
  // A connected account is signed in again from its row: only the other provider is offered.
  await expect(page.getByRole('button', { name: 'Connect Google Drive' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Connect Dropbox' })).toBeEnabled();
  // The buttons' "waiting" look fades out: photograph it settled.
  await expect(page.locator('.mantine-Button-loader')).toHaveCount(0);
  await shot(page, 'settings-accounts-signed-in-en');

  // Signing in again to the same account replaces its sign-in: still one row.
  await row.getByRole('button', { name: 'Sign in again' }).click();
  await followSignInLink(page);
  await expect(accounts.getByRole('row')).toHaveCount(1);
  await expect(page.getByText('Signing in did not work.')).toBeHidden();

  await row.getByRole('button', { name: 'Disconnect' }).click();
  const dialog = page.getByRole('dialog', { name: 'Disconnect owner@example.com?' });
  await expect(dialog.getByText('Nothing in the account is deleted.', { exact: false })).toBeVisible();
  await dialog.getByRole('button', { name: 'Disconnect' }).click();
  await expect(dialog).toBeHidden();
  await expect(accounts).toBeHidden();
  await expect(page.getByText('No cloud account is connected.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Connect Google Drive' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Connect Dropbox' })).toBeVisible();
});

test('Dropbox with a pasted code: open the page anywhere, paste what it shows', async ({ page }) => {
  test.setTimeout(60_000);
  await openApp(page, host, '#/settings?tab=destinations');
  await useLanguage(page, host, 'ru');
  await page.getByRole('button', { name: /Войдите с помощью кода/ }).click();
  await expect(page.getByLabel('Код из Dropbox')).toBeVisible();
  await shot(page, 'settings-dropbox-code-ru');
  await useLanguage(page, host, 'en');
  await page.getByRole('button', { name: /Sign in with a code instead/ }).click();
  const openPage = page.getByRole('link', { name: 'Open the Dropbox page' });
  await expect(openPage).toBeVisible();
  await shot(page, 'settings-dropbox-code-en');
  // The user's browser (here: a plain request) shows the code on Dropbox's page.
  const code = await copySignInCode((await openPage.getAttribute('href'))!);
  await page.getByLabel('Code from Dropbox').fill(` ${code} `);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const accounts = page.getByRole('table', { name: 'Cloud accounts' });
  await expect(accounts.getByRole('row', { name: /Dropbox/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /Sign in with a code instead/ })).toHaveCount(0);
});
