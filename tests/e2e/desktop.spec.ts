import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../../src/main/electron-binary.ts';

// The desktop smoke test needs a real Electron binary, which cannot be downloaded on our build
// machines. Where one is installed (a developer's PC, or ELECTRON_OVERRIDE_DIST_PATH), it runs.
const binary = findElectronBinary({ electronDir: path.resolve('node_modules/electron') });

test('desktop window opens the app shell over the preload bridge', async () => {
  test.skip(
    !binary,
    'skipped: no Electron binary on this machine (set ELECTRON_OVERRIDE_DIST_PATH to run it)',
  );
  const app = await electron.launch({
    executablePath: binary!,
    args: ['out/main/index.js'],
    env: {
      ...process.env,
      LIFEBOAT_HOME: mkdtempSync(path.join(os.tmpdir(), 'lb-desktop-')),
      LANG: 'en_US.UTF-8',
    },
  });
  const window = await app.firstWindow();
  await expect(window.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await window.getByRole('link', { name: 'Settings' }).click();
  await expect(window.getByText('Desktop app')).toBeVisible();
  expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe(
    'undefined',
  );
  await app.close();
});
