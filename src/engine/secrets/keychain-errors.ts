/**
 * Turns whatever @napi-rs/keyring (keyring-rs underneath) throws into a LifeboatError a user can act
 * on. The binding reports every failure as a plain Error with code 'GenericFailure'; only the message
 * tells the cases apart, so we match on the wording of keyring-core's error variants:
 *   "Platform failure: …"                    no D-Bus / no Secret Service / no keychain service at all
 *   "Couldn't access platform storage: …"    the store exists but refused (locked, prompt dismissed)
 *   "… is longer than platform limit …"      TooLong (Windows Credential Manager caps the blob size)
 *   "Entry is matched by N credentials"      Ambiguous (a third-party app wrote a duplicate)
 */
import { LifeboatError } from '../../shared/errors.ts';

export const keychainUnavailableHint =
  'No keychain is available on this computer. On a desktop, sign in to the graphical session so that ' +
  'GNOME Keyring or KWallet runs (on Linux install gnome-keyring). On a server without a display, start ' +
  'Lifeboat with --secrets-file and give the passphrase in LIFEBOAT_SECRETS_PASSPHRASE.';

export const keychainLockedHint = 'The keychain is locked: unlock it and try again.';

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const cause =
      err.cause instanceof Error && !err.message.includes(err.cause.message) ? ` (${err.cause.message})` : '';
    return err.message + cause;
  }
  return String(err);
}

/** What the user was doing, for the message: "read", "save" or "delete" the secret named `account`. */
export type KeychainAction = 'open' | 'read' | 'save' | 'delete';

/**
 * The keychain failure as a typed error. `kind` names the keychain ("Secret Service keyring"),
 * `account` the entry involved; the native message is kept in `details`.
 */
export function keychainError(
  err: unknown,
  action: KeychainAction,
  kind: string,
  account?: string,
): LifeboatError {
  if (err instanceof LifeboatError) return err;
  const details = messageOf(err);
  const m = details.toLowerCase();
  const what = account ? ` "${account}"` : '';
  const doing = action === 'open' ? `open the ${kind}` : `${action} the secret${what} in the ${kind}`;

  if (err instanceof Error && err.name === 'AbortError') {
    return new LifeboatError(
      'KEYCHAIN_LOCKED',
      `The ${kind} did not answer in time when Lifeboat tried to ${doing}.`,
      {
        hint: `${keychainLockedHint} If a window asks for the keychain password, answer it.`,
        details,
        cause: err,
      },
    );
  }
  if (m.includes('no result found')) {
    // Secret Service is running but has no default collection ("login" keyring) and could not create one.
    return new LifeboatError(
      'KEYCHAIN_UNAVAILABLE',
      `Lifeboat could not ${doing}: there is no default keyring.`,
      {
        hint:
          'Create a default keyring (for example in "Passwords and Keys") and unlock it. On a server without a ' +
          'display, start Lifeboat with --secrets-file and give the passphrase in LIFEBOAT_SECRETS_PASSPHRASE.',
        details,
        cause: err,
      },
    );
  }
  if (
    m.includes('locked') ||
    m.includes('prompt was dismissed') ||
    m.includes("couldn't access platform storage") ||
    m.includes('user interaction is not allowed') || // macOS errSecInteractionNotAllowed
    m.includes('user canceled') // macOS errSecUserCanceled
  ) {
    return new LifeboatError(
      'KEYCHAIN_LOCKED',
      `The ${kind} is locked or refused access, so Lifeboat could not ${doing}.`,
      {
        hint: keychainLockedHint,
        details,
        cause: err,
      },
    );
  }
  if (m.includes('longer than platform limit')) {
    return new LifeboatError('INVALID_ARGUMENT', `The secret${what} is too long for the ${kind}.`, {
      details,
      cause: err,
    });
  }
  if (m.includes('matched by') || m.includes('ambiguous')) {
    return new LifeboatError(
      'INTERNAL',
      `The ${kind} holds more than one entry for${what || ' this secret'}.`,
      {
        hint: `Open the keychain manager, delete the duplicate Lifeboat entries${what}, and enter the secret again.`,
        details,
        cause: err,
      },
    );
  }
  // "Platform failure: DBus error: …", "No DBus session or Secret Service provider found",
  // "The name org.freedesktop.secrets was not provided by any .service files", and anything else the
  // platform layer reports: there is no keychain we can talk to.
  return new LifeboatError('KEYCHAIN_UNAVAILABLE', `Lifeboat could not ${doing}: no keychain answered.`, {
    hint: keychainUnavailableHint,
    details,
    cause: err,
  });
}
