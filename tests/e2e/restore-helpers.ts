/**
 * What the restore, new-computer and settings specs share: a Lifeboat home whose secrets live in the
 * encrypted file (Playwright runs without a keyring), the real CLI on that home, and the host's
 * /api/call for the few steps a spec does not click through.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { OperationInput, OperationName, OperationOutput } from '../../src/shared/contract.ts';
import { runCli } from '../helpers/run-cli.ts';
import type { RunningHost } from './headless-host.ts';


export const repoPassword = 'correct horse battery staple';

// `lifeboat serve` (started by headless-host with process.env) and the CLI read these.
process.env.LIFEBOAT_SECRETS = 'file';
process.env.LIFEBOAT_SECRETS_PASSPHRASE = 'e2e secrets passphrase';

const made: string[] = [];

/** A new folder under the system's temporary folder, removed by removeTempDirs(). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes the folders tempDir() made (call after the hosts stopped). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** `lifeboat …` on the given home; throws with its output when it fails. */
export async function cli(home: string, args: string[]): Promise<string> {
  const result = await runCli(args, { env: { LIFEBOAT_HOME: home, LIFEBOAT_PASSWORD: repoPassword } });
  if (result.code !== 0)
    throw new Error(
      `lifeboat ${args.join(' ')} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`,
    );
  return result.stdout;
}

/** Calls an operation on the running host as the UI would, with the token as a bearer header. */
export async function api<N extends OperationName>(
  host: RunningHost,
  op: N,
  input?: OperationInput<N>,
): Promise<OperationOutput<N>> {
  const url = new URL(host.url);
  const response = await fetch(`${url.origin}/api/call/${op}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${url.searchParams.get('token')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ input }),
  });
  const result = (await response.json()) as {
    ok: boolean;
    value?: unknown;
    error?: { code: string; message: string };
  };
  if (!result.ok) throw new Error(`${op} failed: ${result.error?.code} ${result.error?.message}`);
  return result.value as OperationOutput<N>;
}

/** Goes to a screen of the app (`#/restore?…`) the way a link does. */
export async function goToHash(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
}

/** Back to the top of the page. */
export async function scrollToTop(page: Page): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** Switches the language through the Service (remembered), then reloads the page in it. */
export async function useLanguage(page: Page, host: RunningHost, language: 'en' | 'ru'): Promise<void> {
  await api(host, 'updateSettings', { language });
  await page.reload();
  await page.locator(`html[lang="${language}"]`).waitFor();
}

/** A screenshot of what the user sees (the app's header and menu are fixed, so no full-page shots). */
export function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: `tests/e2e/screenshots/${name}.png` });
}

/** Scrolls so that the heading is at the top, just under the app's fixed header. */
export async function scrollToHeading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { name }).evaluate((el) => {
    el.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -72);
  });
}
