/**
 * Key files (keys/<id>): plain JSON holding scrypt parameters and the master key encrypted with
 * the password-derived key. A repository may have several; each one is a password.
 */
import { createHash, randomBytes, scrypt } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { LifeboatError } from '../../shared/errors.ts';
import type { Backend } from '../storage/backend.ts';
import { keyFromBytes, open, randomMasterKey, seal } from './crypto.ts';
import type { MasterKey } from './crypto.ts';
import { goJsonBytes, parseJson } from './go-json.ts';
import { goTimeNow } from './go-time.ts';

export interface KdfParams {
  N: number;
  r: number;
  p: number;
}

/** What restic's calibration picks on typical hardware (≈32 MiB of memory). */
export const defaultKdfParams: KdfParams = { N: 32768, r: 8, p: 1 };

export interface KeyFileJson {
  created: string;
  username: string;
  hostname: string;
  kdf: string;
  N: number;
  r: number;
  p: number;
  salt: string;
  data: string;
}

export interface KeyInfo {
  id: string;
  created: string;
  username: string;
  hostname: string;
}

const saltLength = 64;

export async function deriveUserKey(
  password: string,
  salt: Uint8Array,
  params: KdfParams,
): Promise<MasterKey> {
  const { N, r, p } = params;
  if (
    !Number.isInteger(N) ||
    N <= 1 ||
    (N & (N - 1)) !== 0 ||
    N > 2 ** 24 ||
    r < 1 ||
    p < 1 ||
    r * p >= 2 ** 30
  ) {
    throw new LifeboatError('REPO_CORRUPT', 'Key file has invalid scrypt parameters.', {
      details: `N=${N} r=${r} p=${p}`,
    });
  }
  const maxmem = 128 * N * r + 128 * r * p + 8 * 1024 * 1024;
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    scrypt(Buffer.from(password, 'utf8'), salt, 64, { N, r, p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
  return keyFromBytes(bytes);
}

function masterKeyJson(key: MasterKey): Buffer {
  return goJsonBytes({
    mac: { k: key.macK.toString('base64'), r: key.macR.toString('base64') },
    encrypt: key.encrypt.toString('base64'),
  });
}

function parseMasterKey(plain: Buffer): MasterKey {
  const j = parseJson<{ mac?: { k?: string; r?: string }; encrypt?: string }>(plain);
  const key: MasterKey = {
    encrypt: Buffer.from(j.encrypt ?? '', 'base64'),
    macK: Buffer.from(j.mac?.k ?? '', 'base64'),
    macR: Buffer.from(j.mac?.r ?? '', 'base64'),
  };
  if (
    key.encrypt.length !== 32 ||
    key.macK.length !== 16 ||
    key.macR.length !== 16 ||
    isZero(key.encrypt) ||
    isZero(key.macK) ||
    isZero(key.macR)
  ) {
    throw new LifeboatError('REPO_CORRUPT', 'Key file holds an invalid master key.');
  }
  return key;
}

function isZero(b: Buffer): boolean {
  return b.every((x) => x === 0);
}

/** Encrypts `master` under `password` and stores it as a new key file. Returns the key id. */
export async function createKeyFile(
  backend: Backend,
  password: string,
  master: MasterKey = randomMasterKey(),
  opts: { kdf?: KdfParams; username?: string; hostname?: string } = {},
): Promise<string> {
  const params = opts.kdf ?? defaultKdfParams;
  const salt = randomBytes(saltLength);
  const userKey = await deriveUserKey(password, salt, params);
  const data = seal(userKey, masterKeyJson(master));
  const json: KeyFileJson = {
    created: goTimeNow(),
    username: opts.username ?? safeUsername(),
    hostname: opts.hostname ?? hostname(),
    kdf: 'scrypt',
    N: params.N,
    r: params.r,
    p: params.p,
    salt: salt.toString('base64'),
    data: data.toString('base64'),
  };
  const bytes = goJsonBytes(json);
  const id = createHash('sha256').update(bytes).digest('hex');
  await backend.write('keys', id, bytes);
  return id;
}

export async function loadKeyFile(backend: Backend, id: string): Promise<KeyFileJson> {
  const raw = await backend.read('keys', id);
  const json = parseJson<KeyFileJson>(raw);
  if (
    typeof json !== 'object' ||
    json === null ||
    typeof json.salt !== 'string' ||
    typeof json.data !== 'string'
  ) {
    throw new LifeboatError('REPO_CORRUPT', `Key file ${id} is malformed.`);
  }
  return json;
}

/** Decrypts the master key of one key file; WRONG_PASSWORD if the password does not fit it. */
export async function openKeyFile(backend: Backend, id: string, password: string): Promise<MasterKey> {
  const json = await loadKeyFile(backend, id);
  if (json.kdf !== 'scrypt')
    throw new LifeboatError('UNSUPPORTED', `Key file ${id} uses unsupported KDF ${json.kdf}.`);
  const salt = Buffer.from(json.salt, 'base64');
  if (salt.length !== saltLength)
    throw new LifeboatError('REPO_CORRUPT', `Key file ${id} has an invalid salt.`);
  const userKey = await deriveUserKey(password, salt, { N: json.N, r: json.r, p: json.p });
  const plain = open(userKey, Buffer.from(json.data, 'base64'), 'WRONG_PASSWORD');
  return parseMasterKey(plain);
}

/** Tries every key file; returns the first one the password opens. */
export async function findKey(backend: Backend, password: string): Promise<{ id: string; key: MasterKey }> {
  const files = await backend.list('keys');
  if (files.length === 0) throw new LifeboatError('REPO_CORRUPT', 'The repository has no key files.');
  for (const { name } of files) {
    try {
      return { id: name, key: await openKeyFile(backend, name, password) };
    } catch (err) {
      if (err instanceof LifeboatError && err.code === 'WRONG_PASSWORD') continue;
      throw err;
    }
  }
  throw new LifeboatError('WRONG_PASSWORD', 'The password does not open this repository.', {
    hint: 'Check the repository password.',
  });
}

export async function listKeys(backend: Backend): Promise<KeyInfo[]> {
  const out: KeyInfo[] = [];
  for (const { name } of await backend.list('keys')) {
    const json = await loadKeyFile(backend, name);
    out.push({ id: name, created: json.created, username: json.username, hostname: json.hostname });
  }
  return out;
}

export async function removeKeyFile(backend: Backend, id: string, currentKeyId?: string): Promise<void> {
  if (id === currentKeyId) {
    throw new LifeboatError(
      'INVALID_ARGUMENT',
      'Refusing to remove the key currently used to open the repository.',
    );
  }
  await backend.remove('keys', id);
}

/**
 * Changes the password of `oldKeyId`: writes a new key file for the same master key, then removes
 * the old one (in that order, so a crash never leaves the repository without a key).
 */
export async function changePassword(
  backend: Backend,
  master: MasterKey,
  oldKeyId: string,
  newPassword: string,
  opts: { kdf?: KdfParams } = {},
): Promise<string> {
  const newId = await createKeyFile(backend, newPassword, master, opts);
  await backend.remove('keys', oldKeyId);
  return newId;
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}
