/**
 * What every e2e spec shares: a `lifeboat serve` host per spec file (or per test) on a fresh Lifeboat
 * home whose secrets live in the encrypted file (Playwright runs without a keyring), temporary folders
 * removed afterwards, the real CLI on a home (jobs and backups made the way a user makes them), the
 * host's /api/call for the few steps a spec does not click through, and the page helpers (going to a
 * screen, switching the language, screenshots).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type Page } from '@playwright/test';
import type { OperationInput, OperationName, OperationOutput } from '../../src/shared/contract.ts';
import { runCli } from '../helpers/run-cli.ts';
import { seedRepository, type SeededRepository } from '../helpers/seed-repository.ts';
import { startHost, type RunningHost } from './headless-host.ts';

export type { RunningHost } from './headless-host.ts';

export const repoPassword = 'correct horse battery staple';

// `lifeboat serve` (started by headless-host with process.env) and the CLI read these.
process.env.LIFEBOAT_SECRETS = 'file';
process.env.LIFEBOAT_SECRETS_PASSPHRASE = 'e2e secrets passphrase';

// ---- folders ----

const made: string[] = [];

/** A new folder under the system's temporary folder, removed when the host started before it stops. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes the folders tempDir() made since `made.length` was `mark`. */
function removeTempDirsSince(mark: number): void {
  for (const dir of made.splice(mark)) rmSync(dir, { recursive: true, force: true });
}

// ---- the host ----

export interface HostOptions {
  /** Fills the fresh home before the host starts (jobs and backups made with `cli`). */
  prepare?: (home: string) => Promise<void>;
  /** Extra environment for the engine (emulator URLs), read when the host starts. */
  env?: () => NodeJS.ProcessEnv;
  /** 'test' for a fresh install per test; by default one host serves the whole file (or describe). */
  per?: 'file' | 'test';
  /** Time for `prepare` and the start, in ms. */
  timeout?: number;
}

/**
 * Registers the hooks that start a host on a fresh home and stop it (then remove the temporary
 * folders made meanwhile); returns the running host, usable once the hooks ran. In a describe block,
 * the host serves that block only.
 */
export function useHost(options: HostOptions = {}): RunningHost {
  let running: RunningHost | undefined;
  let mark = 0;
  const started = (): RunningHost => {
    if (!running) throw new Error('the host is used before its beforeAll/beforeEach ran');
    return running;
  };
  const [before, after] =
    options.per === 'test' ? [test.beforeEach, test.afterEach] : [test.beforeAll, test.afterAll];
  before(async () => {
    if (options.timeout) test.setTimeout(options.timeout);
    mark = made.length;
    const home = tempDir('lb-e2e-home-');
    await options.prepare?.(home);
    running = await startHost(home, options.env?.());
  });
  after(async () => {
    await running?.stop();
    running = undefined;
    removeTempDirsSince(mark);
  });
  return {
    get url() {
      return started().url;
    },
    get home() {
      return started().home;
    },
    stop: () => started().stop(),
  };
}

// ---- repositories ----

let manyVersionsSeeded: Promise<SeededRepository & { path: string }> | undefined;

/**
 * A repository of 2,000 versions over two years (see tests/helpers/seed-repository.ts), for the specs
 * that measure how screens cope. Seeded once per Playwright worker (it takes seconds): they only read it.
 */
export function manyVersions(): Promise<SeededRepository & { path: string }> {
  manyVersionsSeeded ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-e2e-many-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const started = Date.now();
    const seeded = await seedRepository({ path: dir, password: repoPassword, snapshots: 2000 });
    console.log(`seeded 2,000 snapshots in ${Date.now() - started} ms`);
    return { path: dir, ...seeded };
  })();
  return manyVersionsSeeded;
}

// ---- the CLI and the API ----

/** `lifeboat …` on the given home; throws with its output when it fails. */
export async function cli(home: string, args: string[]): Promise<string> {
  const result = await runCli(args, { env: { LIFEBOAT_HOME: home, LIFEBOAT_PASSWORD: repoPassword } });
  if (result.code !== 0)
    throw new Error(
      `lifeboat ${args.join(' ')} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`,
    );
  return result.stdout;
}

/**
 * A new repository at `repo` and a job named `name` backing up `source` into it; `options` are the
 * `job add` flags (schedule, retention, drill), manual by default.
 */
export async function addJob(
  home: string,
  job: { name: string; source: string; repo: string; options?: string[] },
): Promise<void> {
  await cli(home, ['--repo', job.repo, 'init']);
  await cli(home, [
    '--repo',
    job.repo,
    'job',
    'add',
    '--name',
    job.name,
    '--source',
    job.source,
    ...(job.options ?? ['--manual']),
  ]);
}

/** Runs the job now, to its end (a backup, as the scheduler would). */
export async function runJob(home: string, name: string): Promise<void> {
  await cli(home, ['job', 'run', name]);
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

// ---- the page ----

/** Opens the app with the host's link (which signs the browser in), then goes to `hash` if given. */
export async function openApp(page: Page, host: RunningHost, hash?: string): Promise<void> {
  await page.goto(host.url);
  if (hash) await goToHash(page, hash);
}

/** Goes to a screen of the app (`#/restore?…`) the way a link does. */
export async function goToHash(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
}

/** Milliseconds from going to `hash` until an element matches `selector`, timed in the page frame by frame. */
export function msUntilShown(page: Page, hash: string, selector: string): Promise<number> {
  return page.evaluate(
    async ([target, wanted]) => {
      const start = performance.now();
      window.location.hash = target;
      await new Promise<void>((resolve) => {
        const check = () => (document.querySelector(wanted) ? resolve() : requestAnimationFrame(check));
        check();
      });
      return performance.now() - start;
    },
    [hash, selector] as const,
  );
}

/** Switches the language through the Service (remembered), then reloads the page in it. */
export async function useLanguage(page: Page, host: RunningHost, language: 'en' | 'ru'): Promise<void> {
  // Decided by what the host remembers, not by the page: a page that has not loaded its settings yet
  // still shows the default language, and would switch to an earlier test's choice a moment later.
  const stored = (await api(host, 'getSettings')).language;
  if (stored !== language || (await page.locator('html').getAttribute('lang')) !== language) {
    if (stored !== language) await api(host, 'updateSettings', { language });
    await page.reload();
  }
  await page.locator(`html[lang="${language}"]`).waitFor();
}

/** Back to the top of the page. */
export async function scrollToTop(page: Page): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** Scrolls so that the heading is at the top, just under the app's fixed header. */
export async function scrollToHeading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { name }).evaluate((el) => {
    el.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -72);
  });
}

/** A screenshot of what the user sees (the app's header and menu are fixed, so no full-page shots). */
export function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: `tests/e2e/screenshots/${name}.png` });
}

/**
 * The whole page, however long: the window is made as tall as the content for the shot (Playwright's
 * full-page shot stops at the viewport in this layout, whose main area scrolls).
 */
export async function shotWhole(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1024, height: 700 };
  const height = await page.evaluate(() => document.querySelector('main')!.scrollHeight + 56);
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height) });
  await shot(page, name);
  await page.setViewportSize(viewport);
}
