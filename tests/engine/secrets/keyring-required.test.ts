// CI must not silently skip the real-keychain tests: with CI=true or LIFEBOAT_REQUIRE_KEYRING set, a
// missing or broken Secret Service FAILS here (with the reason and what to install).
import { describe, expect, it } from 'vitest';
import { ensureKeyring, keyringRequired, keyringSkipMessage } from '../../helpers/keyring.ts';

const keyring = await ensureKeyring();

describe('real keychain availability', () => {
  it.skipIf(!keyringRequired)(
    'a working Secret Service is available (required by CI=true or LIFEBOAT_REQUIRE_KEYRING)',
    () => {
      expect(keyring.available, keyringSkipMessage(keyring)).toBe(true);
    },
  );
});
