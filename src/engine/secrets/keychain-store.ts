/**
 * The production SecretStore: the operating system's keychain through @napi-rs/keyring (keyring-rs).
 * macOS Keychain, Windows Credential Manager, and on Linux the Secret Service (GNOME Keyring, KWallet,
 * KeePassXC) over D-Bus. On Linux the Secret Service store is pinned: without one we fail with
 * KEYCHAIN_UNAVAILABLE instead of silently using the kernel keyutils store, which forgets everything
 * at reboot.
 *
 * Every call builds a fresh AsyncEntry (cheap: one D-Bus round trip on Linux, a few ms) so a keyring
 * daemon that restarts between calls is picked up again; the reads and writes themselves run on the
 * libuv thread pool, off the event loop.
 *
 * Long secrets: Windows caps a credential at 2560 bytes (1280 UTF-16 characters). A secret longer
 * than `maxChunkChars` is stored as parts `<account>#part:<gen>:<i>` plus a header entry under
 * `<account>` naming them; the parts are written before the header and the old parts deleted after
 * it, so a crash never leaves the header pointing at half-written parts.
 */
import { randomBytes } from 'node:crypto';
import { AsyncEntry } from '@napi-rs/keyring';
import { LifeboatError } from '../../shared/errors.ts';
import { keychainError } from './keychain-errors.ts';
import type { KeychainAction } from './keychain-errors.ts';
import type { SecretStore } from './secret-store.ts';

export const defaultKeychainService = 'Lifeboat';

/** The keychain's name as users know it, for messages. */
export function keychainKind(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service keyring';
}

export interface KeychainSecretStoreOptions {
  /** The keychain "service" every entry is filed under. Tests use their own. Default "Lifeboat". */
  service?: string;
  /**
   * How long one keychain call may take before it fails with KEYCHAIN_LOCKED ("did not answer in
   * time"): an unlock prompt nobody answers must not hang a scheduled backup forever. Default 2 min.
   */
  timeoutMs?: number;
  /** Longest value stored in one entry, in UTF-16 code units. Default 1200 on Windows, else unlimited. */
  maxChunkChars?: number;
}

const headerPrefix = '\u0000lifeboat-parts:v1:';
const partAccount = (account: string, gen: string, i: number) => `${account}#part:${gen}:${i}`;

interface PartsHeader {
  gen: string;
  count: number;
}

function parseHeader(value: string): PartsHeader | undefined {
  if (!value.startsWith(headerPrefix)) return undefined;
  const m = /^([0-9a-f]{16}):([1-9][0-9]{0,4})$/.exec(value.slice(headerPrefix.length));
  if (!m) return undefined;
  return { gen: m[1]!, count: Number(m[2]) };
}

/** Splits on code-point boundaries so a surrogate pair is never cut in half. */
function splitSecret(secret: string, max: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const ch of secret) {
    if (current.length + ch.length > max) {
      parts.push(current);
      current = '';
    }
    current += ch;
  }
  if (current) parts.push(current);
  return parts;
}

export class KeychainSecretStore implements SecretStore {
  readonly kind: string;
  readonly service: string;
  readonly #timeoutMs: number;
  readonly #maxChunkChars: number;

  constructor(options: KeychainSecretStoreOptions = {}) {
    this.kind = keychainKind();
    this.service = options.service ?? defaultKeychainService;
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#maxChunkChars =
      options.maxChunkChars ?? (process.platform === 'win32' ? 1200 : Number.POSITIVE_INFINITY);
    if (!this.service)
      throw new LifeboatError('INVALID_ARGUMENT', 'The keychain service name must not be empty.');
    if (!(this.#maxChunkChars >= 16))
      throw new LifeboatError('INVALID_ARGUMENT', 'maxChunkChars must be at least 16.');
  }

  async get(account: string): Promise<string | undefined> {
    checkAccount(account);
    const value = await this.#call(account, 'read', (e, signal) => e.getPassword(signal));
    if (value === null) return undefined;
    const header = parseHeader(value);
    if (!header) return value;
    const parts = await Promise.all(
      Array.from({ length: header.count }, (_, i) =>
        this.#call(partAccount(account, header.gen, i), 'read', (e, signal) => e.getPassword(signal)),
      ),
    );
    if (parts.some((p) => p === null)) {
      throw new LifeboatError('INTERNAL', `The secret "${account}" in the ${this.kind} is incomplete.`, {
        hint: 'Enter the password again or sign in to the account again; Lifeboat will store it afresh.',
      });
    }
    return parts.join('');
  }

  async set(account: string, secret: string): Promise<void> {
    checkAccount(account);
    if (typeof secret !== 'string') throw new LifeboatError('INVALID_ARGUMENT', 'A secret must be text.');
    if (secret.includes('\u0000')) {
      throw new LifeboatError('INVALID_ARGUMENT', 'A secret must not contain the NUL character.');
    }
    const old = await this.#call(account, 'save', (e, signal) => e.getPassword(signal));
    const oldHeader = old === null ? undefined : parseHeader(old);

    if (secret.length <= this.#maxChunkChars) {
      await this.#call(account, 'save', (e, signal) => e.setPassword(secret, signal));
    } else {
      const gen = randomBytes(8).toString('hex');
      const parts = splitSecret(secret, this.#maxChunkChars);
      for (const [i, part] of parts.entries()) {
        await this.#call(partAccount(account, gen, i), 'save', (e, signal) => e.setPassword(part, signal));
      }
      await this.#call(account, 'save', (e, signal) =>
        e.setPassword(`${headerPrefix}${gen}:${parts.length}`, signal),
      );
    }
    if (oldHeader) await this.#deleteParts(account, oldHeader);
  }

  async delete(account: string): Promise<boolean> {
    checkAccount(account);
    const old = await this.#call(account, 'delete', (e, signal) => e.getPassword(signal));
    if (old === null) return false;
    const deleted = await this.#call(account, 'delete', (e, signal) => e.deletePassword(signal));
    const header = parseHeader(old);
    if (header) await this.#deleteParts(account, header);
    return deleted;
  }

  async #deleteParts(account: string, header: PartsHeader): Promise<void> {
    for (let i = 0; i < header.count; i++) {
      await this.#call(partAccount(account, header.gen, i), 'delete', (e, signal) =>
        e.deletePassword(signal),
      );
    }
  }

  /** One keychain call with a fresh entry, a timeout, and every failure typed. */
  async #call<T>(
    account: string,
    action: KeychainAction,
    op: (entry: AsyncEntry, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      // The constructor already talks to the Secret Service on Linux (and throws when there is none).
      const entry = new AsyncEntry(this.service, account, { linux: { store: 'secret-service' } });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new Error(`no answer from the keychain within ${this.#timeoutMs} ms`);
          err.name = 'AbortError';
          controller.abort(err);
          reject(err);
        }, this.#timeoutMs);
        timer.unref();
      });
      return await Promise.race([op(entry, controller.signal), timeout]);
    } catch (err) {
      throw keychainError(err, action, this.kind, account);
    } finally {
      clearTimeout(timer);
    }
  }
}

function checkAccount(account: string): void {
  if (typeof account !== 'string' || account === '' || account.includes('\u0000')) {
    throw new LifeboatError(
      'INVALID_ARGUMENT',
      'A secret needs a non-empty account name without NUL characters.',
    );
  }
}
