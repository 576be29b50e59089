/**
 * The explicit opt-in for servers without any keychain (`--secrets-file`): every secret in one JSON
 * file under the data folder, encrypted as a whole with AES-256-GCM under a key derived by scrypt
 * from a passphrase and a random salt. Never chosen automatically: see open-secret-store.ts.
 *
 * File format (JSON, version 1):
 *   { format: "lifeboat-secrets", version: 1,
 *     kdf: { name: "scrypt", N, r, p, salt },        salt: base64, 16 random bytes
 *     check,                                         base64 HMAC-SHA256(checkKey, checkLabel)
 *     nonce, ciphertext, tag }                       base64; AES-256-GCM, 12-byte nonce, 16-byte tag
 * scrypt yields 64 bytes: the first 32 are the AES key, the last 32 the check key. The check value
 * tells a wrong passphrase (WRONG_PASSWORD) apart from a damaged or tampered file
 * (SECRETS_FILE_DAMAGED); it gives an attacker nothing the ciphertext does not already give. The
 * header fields are the GCM additional data, so they cannot be changed without detection either.
 * The plaintext is `{"secrets":{account: secret}}` and exists only in memory.
 *
 * Writes are atomic: a 0600 temporary file in the same folder, fsync, rename over the old file, fsync
 * the folder. Every operation re-reads the file, so two processes (CLI and the service) see each
 * other's changes; writes within one process are serialised.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LifeboatError } from '../../shared/errors.ts';
import { errnoCode, fsError } from '../storage/fs-errors.ts';
import type { SecretStore } from './secret-store.ts';

const formatName = 'lifeboat-secrets';
const checkLabel = 'lifeboat-secrets passphrase check v1';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Default cost: ~100 ms and 32 MiB on a typical office PC, once per process (the key is cached). */
export const defaultScryptParams: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

interface FileHeader {
  format: typeof formatName;
  version: 1;
  kdf: ScryptParams & { name: 'scrypt'; salt: string };
}

interface FileEnvelope extends FileHeader {
  check: string;
  nonce: string;
  ciphertext: string;
  tag: string;
}

interface DerivedKeys {
  saltKdf: string; // identifies the salt + parameters the keys belong to
  params: ScryptParams;
  salt: Buffer;
  encKey: Buffer;
  check: Buffer;
}

export interface EncryptedFileSecretStoreOptions {
  /** scrypt cost for a NEW file; an existing file keeps the parameters it was written with. */
  scrypt?: ScryptParams;
}

function damaged(file: string, why: string, cause?: unknown): LifeboatError {
  return new LifeboatError(
    'SECRETS_FILE_DAMAGED',
    `The secrets file ${file} is damaged or was changed: ${why}.`,
    {
      hint:
        'Restore the file from a copy, or delete it and enter the passwords and sign-ins again. ' +
        'Lifeboat never repairs it by guessing.',
      ...(cause === undefined
        ? {}
        : { cause, details: cause instanceof Error ? cause.message : String(cause) }),
    },
  );
}

function validScrypt(k: unknown): k is ScryptParams {
  const { N, r, p } = (k ?? {}) as Partial<ScryptParams>;
  // Bounds keep a tampered header from making us spend minutes or gigabytes in scrypt.
  return (
    Number.isInteger(N) &&
    N! >= 2 ** 10 &&
    N! <= 2 ** 20 &&
    (N! & (N! - 1)) === 0 &&
    Number.isInteger(r) &&
    r! >= 1 &&
    r! <= 32 &&
    Number.isInteger(p) &&
    p! >= 1 &&
    p! <= 16 &&
    128 * N! * r! * p! <= 1024 * 1024 * 1024
  );
}

function b64(text: unknown, file: string, field: string, length?: number): Buffer {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text))
    throw damaged(file, `"${field}" is not base64`);
  const buf = Buffer.from(text, 'base64');
  if (length !== undefined && buf.length !== length) throw damaged(file, `"${field}" has the wrong length`);
  return buf;
}

/** The additional authenticated data: the header and check value, in a fixed key order. */
function aad(header: FileHeader, check: string): Buffer {
  const { N, r, p, salt } = header.kdf;
  return Buffer.from(JSON.stringify([header.format, header.version, 'scrypt', N, r, p, salt, check]), 'utf8');
}

export class EncryptedFileSecretStore implements SecretStore {
  readonly kind = 'encrypted file';
  readonly file: string;
  readonly #passphrase: string;
  readonly #newParams: ScryptParams;
  #keys: DerivedKeys | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(file: string, passphrase: string, options: EncryptedFileSecretStoreOptions = {}) {
    if (typeof passphrase !== 'string' || passphrase === '') {
      throw new LifeboatError('INVALID_ARGUMENT', 'The secrets file needs a passphrase.', {
        hint: 'Give it in the LIFEBOAT_SECRETS_PASSPHRASE environment variable or type it when asked.',
      });
    }
    const params = options.scrypt ?? defaultScryptParams;
    if (!validScrypt(params)) throw new LifeboatError('INVALID_ARGUMENT', 'Unusable scrypt parameters.');
    this.file = path.resolve(file);
    this.#passphrase = passphrase.normalize('NFC');
    this.#newParams = params;
  }

  /** Reads and decrypts the file once: WRONG_PASSWORD or SECRETS_FILE_DAMAGED now rather than later. */
  async verify(): Promise<void> {
    await this.#load();
  }

  /** Whether the file exists yet (it is created by the first `set`). */
  async exists(): Promise<boolean> {
    try {
      await fs.stat(this.file);
      return true;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return false;
      throw fsError(err, `the secrets file ${this.file}`);
    }
  }

  async get(account: string): Promise<string | undefined> {
    checkAccount(account);
    const { secrets } = await this.#load();
    return Object.hasOwn(secrets, account) ? secrets[account] : undefined;
  }

  async set(account: string, secret: string): Promise<void> {
    checkAccount(account);
    if (typeof secret !== 'string') throw new LifeboatError('INVALID_ARGUMENT', 'A secret must be text.');
    await this.#mutate((secrets) => {
      secrets[account] = secret;
      return true;
    });
  }

  async delete(account: string): Promise<boolean> {
    checkAccount(account);
    return this.#mutate((secrets) => {
      if (!Object.hasOwn(secrets, account)) return false;
      delete secrets[account];
      return true;
    });
  }

  /** Read-modify-write under the in-process queue; writes only when `change` reports a change. */
  #mutate(change: (secrets: Record<string, string>) => boolean): Promise<boolean> {
    const run = this.#queue.then(async () => {
      const { secrets, keys } = await this.#load();
      if (!change(secrets)) return false;
      await this.#write(secrets, keys);
      return true;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #deriveKeys(params: ScryptParams, salt: Buffer): Promise<DerivedKeys> {
    const saltKdf = `${params.N}:${params.r}:${params.p}:${salt.toString('base64')}`;
    if (this.#keys?.saltKdf === saltKdf) return this.#keys;
    const material = await new Promise<Buffer>((resolve, reject) =>
      scrypt(
        this.#passphrase,
        salt,
        64,
        { ...params, maxmem: 256 * params.N * params.r * params.p },
        (err, key) => (err ? reject(err) : resolve(key)),
      ),
    );
    const encKey = material.subarray(0, 32);
    const check = createHmac('sha256', material.subarray(32)).update(checkLabel).digest();
    material.fill(0, 32);
    this.#keys = {
      saltKdf,
      params: { N: params.N, r: params.r, p: params.p },
      salt: Buffer.from(salt),
      encKey,
      check,
    };
    return this.#keys;
  }

  /** The decrypted secrets and the keys of the file they came from (none when there is no file yet). */
  async #load(): Promise<{ secrets: Record<string, string>; keys?: DerivedKeys }> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return { secrets: Object.create(null) as Record<string, string> };
      throw fsError(err, `the secrets file ${this.file}`);
    }
    let env: FileEnvelope;
    try {
      env = JSON.parse(text) as FileEnvelope;
    } catch (err) {
      throw damaged(this.file, 'it is not valid JSON', err);
    }
    if (env === null || typeof env !== 'object' || env.format !== formatName)
      throw damaged(this.file, 'it is not a Lifeboat secrets file');
    if (env.version !== 1) {
      throw new LifeboatError(
        'UNSUPPORTED',
        `The secrets file ${this.file} was written by a newer Lifeboat (format ${String(env.version)}).`,
        {
          hint: 'Update Lifeboat to the latest version.',
        },
      );
    }
    if (env.kdf?.name !== 'scrypt' || !validScrypt(env.kdf))
      throw damaged(this.file, 'its key derivation settings are invalid');
    const salt = b64(env.kdf.salt, this.file, 'kdf.salt', 16);
    const check = b64(env.check, this.file, 'check', 32);
    const nonce = b64(env.nonce, this.file, 'nonce', 12);
    const tag = b64(env.tag, this.file, 'tag', 16);
    const ciphertext = b64(env.ciphertext, this.file, 'ciphertext');

    const keys = await this.#deriveKeys({ N: env.kdf.N, r: env.kdf.r, p: env.kdf.p }, salt);
    if (!timingSafeEqual(keys.check, check)) {
      throw new LifeboatError(
        'WRONG_PASSWORD',
        `The passphrase does not open the secrets file ${this.file}.`,
        {
          hint: 'Check LIFEBOAT_SECRETS_PASSPHRASE (or what you typed): keyboard layout and Caps Lock matter.',
        },
      );
    }
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', keys.encKey, nonce, { authTagLength: 16 });
      decipher.setAAD(aad(env, env.check));
      decipher.setAuthTag(tag);
      plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch (err) {
      throw damaged(this.file, 'its contents fail the integrity check', err);
    }
    try {
      const payload = JSON.parse(plain.toString('utf8')) as { secrets?: unknown };
      const secrets = payload.secrets;
      if (secrets === null || typeof secrets !== 'object' || Array.isArray(secrets))
        throw new Error('no secrets object');
      const out = Object.create(null) as Record<string, string>;
      for (const [k, v] of Object.entries(secrets)) {
        if (typeof v !== 'string') throw new Error(`secret ${k} is not text`);
        out[k] = v;
      }
      return { secrets: out, keys };
    } catch (err) {
      throw damaged(this.file, 'its decrypted contents are not readable', err);
    } finally {
      plain.fill(0);
    }
  }

  async #write(secrets: Record<string, string>, current: DerivedKeys | undefined): Promise<void> {
    // Keep the salt and parameters of the file we just read (its keys are cached); a new file gets fresh ones.
    let keys: DerivedKeys;
    let params: ScryptParams;
    let salt: Buffer;
    if (current) {
      keys = current;
      params = current.params;
      salt = current.salt;
    } else {
      params = this.#newParams;
      salt = randomBytes(16);
      keys = await this.#deriveKeys(params, salt);
    }
    const header: FileHeader = {
      format: formatName,
      version: 1,
      kdf: { name: 'scrypt', ...params, salt: salt.toString('base64') },
    };
    const check = keys.check.toString('base64');
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keys.encKey, nonce, { authTagLength: 16 });
    cipher.setAAD(aad(header, check));
    const plain = Buffer.from(JSON.stringify({ secrets }), 'utf8');
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    plain.fill(0);
    const envelope: FileEnvelope = {
      ...header,
      check,
      nonce: nonce.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
    await writeFileAtomic(this.file, JSON.stringify(envelope, null, 2) + '\n');
  }
}

/** temp file (0600, O_EXCL) → write → fsync → rename → fsync the folder. */
async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  const what = `the secrets file ${file}`;
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw fsError(err, what);
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx', 0o600);
    await handle.chmod(0o600).catch(() => undefined); // umask can only narrow it; Windows ignores it
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw fsError(err, what);
  }
  // Make the rename itself durable. Opening a folder fails on Windows; that is fine there.
  const d = await fs.open(dir, 'r').catch(() => undefined);
  if (d)
    await d
      .sync()
      .catch(() => undefined)
      .finally(() => d.close().catch(() => undefined));
}

function checkAccount(account: string): void {
  if (typeof account !== 'string' || account === '') {
    throw new LifeboatError('INVALID_ARGUMENT', 'A secret needs a non-empty account name.');
  }
}
