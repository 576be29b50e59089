/**
 * The repository config file: version, random id, and restic's chunker polynomial. We chunk with
 * our own algorithm, but restic refuses a config whose polynomial is not irreducible over GF(2),
 * so we generate one exactly as restic does (random, degree 53, Ben-Or irreducibility test).
 */
import { randomBytes } from 'node:crypto';
import { LifeboatError } from '../../shared/errors.ts';

export interface RepoConfig {
  version: number;
  id: string;
  chunker_polynomial: string;
}

export function createConfig(version = 2): RepoConfig {
  return {
    version,
    id: randomBytes(32).toString('hex'),
    chunker_polynomial: randomPolynomial().toString(16),
  };
}

export function validateConfig(value: unknown): RepoConfig {
  const c = value as Partial<RepoConfig> | null;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.id !== 'string' ||
    typeof c.chunker_polynomial !== 'string'
  ) {
    throw new LifeboatError('REPO_CORRUPT', 'The repository config is malformed.');
  }
  if (c.version !== 1 && c.version !== 2) {
    throw new LifeboatError(
      'UNSUPPORTED',
      `Repository format version ${String(c.version)} is not supported.`,
      {
        hint: 'Lifeboat reads restic repository versions 1 and 2.',
      },
    );
  }
  if (
    !/^[0-9a-f]{1,16}$/i.test(c.chunker_polynomial) ||
    !isIrreducible(BigInt('0x' + c.chunker_polynomial))
  ) {
    throw new LifeboatError('REPO_CORRUPT', 'The repository config has an invalid chunker polynomial.');
  }
  return { version: c.version, id: c.id, chunker_polynomial: c.chunker_polynomial };
}

const mask54 = (1n << 54n) - 1n;

export function randomPolynomial(): bigint {
  for (let i = 0; i < 1_000_000; i++) {
    const f = (randomBytes(8).readBigUInt64LE(0) & mask54) | (1n << 53n) | 1n;
    if (isIrreducible(f)) return f;
  }
  throw new LifeboatError('INTERNAL', 'Could not find an irreducible polynomial.');
}

function degree(x: bigint): number {
  return x === 0n ? -1 : x.toString(2).length - 1;
}

function polyMod(x: bigint, g: bigint): bigint {
  const dg = degree(g);
  let dx = degree(x);
  while (dx >= dg) {
    x ^= g << BigInt(dx - dg);
    dx = degree(x);
  }
  return x;
}

function mulMod(a: bigint, b: bigint, g: bigint): bigint {
  let res = 0n;
  let shifted = a;
  while (b > 0n) {
    if (b & 1n) res ^= shifted;
    b >>= 1n;
    shifted = polyMod(shifted << 1n, g);
  }
  return polyMod(res, g);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, polyMod(a, b)];
  return a;
}

/** (x^(2^p) - x) mod g */
function qp(p: number, g: bigint): bigint {
  let res = 2n;
  for (let i = 0; i < p; i++) res = mulMod(res, res, g);
  return polyMod(res ^ 2n, g);
}

/** Ben-Or's test, as in restic's chunker package. */
export function isIrreducible(x: bigint): boolean {
  const d = degree(x);
  if (d < 1) return false;
  for (let i = 1; i <= Math.floor(d / 2); i++) {
    if (gcd(x, qp(i, x)) !== 1n) return false;
  }
  return true;
}
