/**
 * Starts the test Secret Service before any test file runs.
 *
 * If a test process touched the keychain before a keychain suite had called `ensureKeyring()`, D-Bus
 * would activate gnome-keyring on its own, with the real HOME and no unlocked "login" keyring; it then
 * asks for a prompt there is no display for, and every keychain test fails ("unlock prompt was
 * dismissed" — seen in CI). Starting our daemon first, once, leaves nothing to activate.
 */
import { ensureKeyring } from '../helpers/keyring.ts';

export default async function setup(): Promise<void> {
  if (process.platform !== 'linux' || !process.env.DBUS_SESSION_BUS_ADDRESS) return;
  // The verdict is re-read by each suite; keyring-required.test.ts reports a failure.
  await ensureKeyring();
}
