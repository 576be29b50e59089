/**
 * Fault injection for the emulator: a seeded random rate of failures of the kinds a real network and
 * a busy Dropbox produce, plus one-shot faults aimed at a route for deterministic tests.
 */
export type FaultKind =
  /** 429 too_many_requests with Retry-After. */
  | 'too_many_requests'
  /** 429 too_many_write_operations with Retry-After (write routes only). */
  | 'too_many_write_operations'
  | 'server_error'
  | 'unavailable'
  /** The connection drops before the request is processed (nothing happened). */
  | 'reset_before'
  /** The request is processed, then the connection drops (the answer is lost). */
  | 'reset_after'
  /** The connection drops while the request body is still arriving. */
  | 'reset_mid_body'
  /** The commit stores one byte wrong (after the content_hash checks): a server-side corruption. */
  | 'corrupt_store';

export interface FaultOptions {
  /** Probability of a fault per API request (0..1). */
  rate?: number;
  kinds?: FaultKind[];
  seed?: number;
  /** Routes eligible for random faults (default: every API route). */
  routes?: RegExp;
  /** Retry-After in seconds for 429s (default 1; tests use 0). */
  retryAfterSec?: number;
}

interface OneShot {
  route: string | RegExp;
  kind: FaultKind;
  remaining: number;
}

export class Faults {
  options: FaultOptions;
  #state: number;
  readonly #oneShots: OneShot[] = [];
  readonly injected = new Map<FaultKind, number>();

  constructor(options: FaultOptions = {}) {
    this.options = options;
    this.#state = (options.seed ?? 1) >>> 0 || 1;
  }

  set(options: FaultOptions): void {
    this.options = options;
    this.#state = (options.seed ?? 1) >>> 0 || 1;
  }

  /** The next `count` requests to `route` fail with `kind`. */
  once(route: string | RegExp, kind: FaultKind, count = 1): void {
    this.#oneShots.push({ route, kind, remaining: count });
  }

  pendingOneShots(): number {
    return this.#oneShots.reduce((n, s) => n + s.remaining, 0);
  }

  /** Decides the fault (if any) for one request to `route`. */
  pick(route: string, isWrite: boolean, hasBody: boolean): FaultKind | undefined {
    const shot = this.#oneShots.find((s) => s.remaining > 0 && (typeof s.route === 'string' ? s.route === route : s.route.test(route)));
    if (shot) {
      shot.remaining--;
      return this.#count(shot.kind);
    }
    const { rate = 0, kinds = [], routes } = this.options;
    if (rate <= 0 || kinds.length === 0 || (routes && !routes.test(route))) return undefined;
    if (this.#random() >= rate) return undefined;
    const eligible = kinds.filter(
      (k) =>
        (k !== 'too_many_write_operations' && k !== 'corrupt_store') || isWrite,
    ).filter((k) => k !== 'reset_mid_body' || hasBody);
    if (eligible.length === 0) return undefined;
    return this.#count(eligible[Math.floor(this.#random() * eligible.length)]!);
  }

  #count(kind: FaultKind): FaultKind {
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
    return kind;
  }

  /** xorshift32: reproducible runs for a given seed. */
  #random(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 0x100000000;
  }
}
