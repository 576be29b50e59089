/**
 * Fault injection for the Drive emulator: random (a rate, a mix of kinds with weights, a seed) and
 * scripted (the next request(s) matching a predicate). Kinds are what Drive and networks really do:
 * rate limits as 403 and 429, 5xx, connections dropped before, during or after a request, truncated
 * downloads, lagging listings, requests never answered.
 */
import { driveErrors } from './errors.ts';
import type { DriveHttpError } from './errors.ts';

export type FaultKind =
  | 'rate-429'
  | 'rate-403'
  | 'user-rate-403'
  | 'error-500'
  | 'error-503'
  /** The connection is dropped before the request is processed. */
  | 'reset'
  /** Part of the request body is received (and, for a resumable chunk, kept), then the connection drops. */
  | 'reset-mid-body'
  /** The request is fully processed (a file may be created), then the connection drops: the response is lost. */
  | 'reset-after'
  /** A download's headers and half its body are sent, then the connection drops. */
  | 'truncate-download'
  /** files.list answers from a lagging index: files created in the last minute are missing (not in the random mix). */
  | 'stale-list'
  /** The request is read and never answered (the client's timeout must fire; not in the random mix). */
  | 'stall';

export const allFaultKinds: FaultKind[] = [
  'rate-429',
  'rate-403',
  'user-rate-403',
  'error-500',
  'error-503',
  'reset',
  'reset-mid-body',
  'reset-after',
  'truncate-download',
];

export interface RandomFaults {
  /** Probability (0..1) that a Drive request fails. */
  rate: number;
  kinds?: FaultKind[];
  seed?: number;
  /** Retry-After on 429 (seconds; default 0 so tests stay fast). */
  retryAfterSeconds?: number;
  /** Relative weights (default 1) — e.g. more mid-body resets, which only uploads can get. */
  weights?: Partial<Record<FaultKind, number>>;
}

export interface RequestInfo {
  method: string;
  path: string;
  query: URLSearchParams;
  /** A PUT/POST to a resumable session URI (data or status query). */
  isChunk: boolean;
  isStatusQuery: boolean;
  isDownload: boolean;
  contentRange?: string;
  contentLength?: number;
}

export interface ScriptedFault {
  kind: FaultKind;
  match?: (r: RequestInfo) => boolean;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** For reset-mid-body: bytes of the body to receive before dropping (default: half). */
  afterBytes?: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  faults: RandomFaults | undefined;
  random: () => number;
  private readonly scripted: ScriptedFault[] = [];

  constructor(faults: RandomFaults | undefined) {
    this.faults = faults;
    this.random = mulberry32(faults?.seed ?? 1);
  }

  set(faults: RandomFaults | undefined): void {
    this.faults = faults;
    if (faults?.seed !== undefined) this.random = mulberry32(faults.seed);
  }

  inject(fault: ScriptedFault): void {
    this.scripted.push({ ...fault, times: fault.times ?? 1 });
  }

  pick(info: RequestInfo): ScriptedFault | undefined {
    const eligible = (kind: FaultKind): boolean => {
      if (kind === 'reset-mid-body') return (info.contentLength ?? 0) >= 64 * 1024;
      if (kind === 'truncate-download') return info.isDownload;
      if (kind === 'stale-list') return info.method === 'GET' && info.path === '/drive/v3/files';
      return true;
    };
    const i = this.scripted.findIndex((f) => eligible(f.kind) && (!f.match || f.match(info)));
    if (i >= 0) {
      const f = this.scripted[i]!;
      f.times = (f.times ?? 1) - 1;
      if (f.times <= 0) this.scripted.splice(i, 1);
      return f;
    }
    if (!this.faults || this.faults.rate <= 0) return undefined;
    if (this.random() >= this.faults.rate) return undefined;
    const kinds = (this.faults.kinds ?? allFaultKinds).filter(eligible);
    const weight = (k: FaultKind): number => this.faults?.weights?.[k] ?? 1;
    const sum = kinds.reduce((n, k) => n + weight(k), 0);
    if (sum <= 0) return undefined;
    let pick = this.random() * sum;
    for (const kind of kinds) {
      pick -= weight(kind);
      if (pick < 0) return { kind };
    }
    return { kind: kinds[kinds.length - 1]! };
  }

  immediateError(kind: FaultKind): DriveHttpError | undefined {
    switch (kind) {
      case 'rate-429':
        return driveErrors.rateLimit429(this.faults?.retryAfterSeconds ?? 0);
      case 'rate-403':
        return driveErrors.rateLimit403();
      case 'user-rate-403':
        return driveErrors.userRateLimit();
      case 'error-500':
        return driveErrors.backendError(500);
      case 'error-503':
        return driveErrors.backendError(503);
      default:
        return undefined;
    }
  }
}
