/**
 * Starts the test Secret Service before any test file runs, and says at the end if it did not last.
 *
 * If a test process touched the keychain before a keychain suite had called `ensureKeyring()`, D-Bus
 * would activate gnome-keyring on its own, with no unlocked "login" keyring; it then asks for a prompt
 * there is no display for, and every keychain test fails ("unlock prompt was dismissed" — seen in CI).
 * Starting our daemon first, once, leaves nothing to activate.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureKeyring } from '../helpers/keyring.ts';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.platform !== 'linux' || !process.env.DBUS_SESSION_BUS_ADDRESS) return undefined;
  // Each suite re-reads the verdict; keyring-required.test.ts fails on a missing keyring.
  const { home } = await ensureKeyring();
  if (!home) return undefined;
  return async () => {
    const log = await readFile(path.join(home, 'gnome-keyring.log'), 'utf8').catch(() => '');
    if (/ ended: /.test(log)) console.error(`The test keyring daemon ended during the run. Its log:\n${log}`);
  };
}
