// CI must not silently skip the real-keychain tests: with CI=true or LIFEBOAT_REQUIRE_KEYRING set, a
// missing or broken Secret Service FAILS here (with the reason and what to install).
import { readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureKeyring, keyringRequired, keyringSkipMessage, runCommand } from '../../helpers/keyring.ts';

const keyring = await ensureKeyring();

describe('real keychain availability', () => {
  it.skipIf(!keyringRequired)(
    'a working Secret Service is available (required by CI=true or LIFEBOAT_REQUIRE_KEYRING)',
    () => {
      expect(keyring.available, keyringSkipMessage(keyring)).toBe(true);
    },
  );

  // The test daemon once wrote to a pipe whose reader was gone and died of SIGPIPE mid-run; D-Bus then
  // activated a locked keyring that wanted a prompt. Its output must go to a file that stays.
  it.skipIf(!keyring.available || !keyring.home)(
    "the test daemon's output goes to its log file",
    async () => {
      const reply = await runCommand('dbus-send', [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.GetConnectionUnixProcessID',
        'string:org.freedesktop.secrets',
      ]);
      const pid = /uint32 (\d+)/.exec(reply.stdout)?.[1];
      expect(pid, reply.stderr).toBeDefined();
      for (const fd of [1, 2]) {
        expect(readlinkSync(`/proc/${pid}/fd/${fd}`)).toBe(`${keyring.home}/gnome-keyring.log`);
      }
    },
  );
});
