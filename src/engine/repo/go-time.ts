/**
 * Go's RFC3339Nano timestamps, as restic writes them ("2015-01-02T18:10:13.48307196+01:00"):
 * nanosecond precision with trailing zeros dropped, local zone offset or "Z". JavaScript Dates only
 * hold milliseconds, so times travel as bigint nanoseconds since the Unix epoch.
 */
import { LifeboatError } from '../../shared/errors.ts';

const nsPerMs = 1_000_000n;
const nsPerSec = 1_000_000_000n;

const rfc3339 =
  /^(-?\d{4,})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 timestamp to nanoseconds since the epoch (exact, unlike Date.parse). */
export function parseGoTime(text: string): bigint {
  const m = rfc3339.exec(text);
  if (!m)
    throw new LifeboatError('REPO_CORRUPT', `Invalid timestamp ${JSON.stringify(text)} in repository data.`);
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  // Date.UTC maps years 0..99 to 1900.., so start in a leap year and set the real year after.
  const date = new Date(Date.UTC(2000, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  date.setUTCFullYear(Number(y));
  let ns = BigInt(date.getTime()) * nsPerMs;
  if (frac) ns += BigInt(frac.padEnd(9, '0'));
  if (!z) {
    const offsetMin = Number(oh) * 60 + Number(om);
    ns -= BigInt(sign === '-' ? -offsetMin : offsetMin) * 60n * nsPerSec;
  }
  return ns;
}

/** Formats nanoseconds since the epoch like Go's time.RFC3339Nano, in the given offset (minutes east of UTC). */
export function formatGoTime(ns: bigint, offsetMinutes: number = localOffsetMinutes(ns)): string {
  const shifted = ns + BigInt(offsetMinutes) * 60n * nsPerSec;
  let secs = shifted / nsPerSec;
  let frac = shifted % nsPerSec;
  if (frac < 0n) {
    frac += nsPerSec;
    secs -= 1n;
  }
  const d = new Date(Number(secs) * 1000);
  const year = d.getUTCFullYear();
  const yearText = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
  let text = `${yearText}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  if (frac !== 0n) text += '.' + frac.toString().padStart(9, '0').replace(/0+$/, '');
  if (offsetMinutes === 0) return text + 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${text}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** The local zone's offset at that instant, like Go's time.Local. */
export function localOffsetMinutes(ns: bigint): number {
  const ms = Number(ns / nsPerMs);
  const offset = -new Date(Number.isFinite(ms) ? ms : 0).getTimezoneOffset();
  return Number.isNaN(offset) ? 0 : offset + 0; // + 0 turns -0 into 0
}

export function nowNs(): bigint {
  // performance.timeOrigin + now() gives sub-millisecond resolution that Date lacks.
  const ms = performance.timeOrigin + performance.now();
  return BigInt(Math.floor(ms * 1000)) * 1000n;
}

export function dateToNs(date: Date): bigint {
  return BigInt(date.getTime()) * nsPerMs;
}

export function nsToDate(ns: bigint): Date {
  return new Date(Number(ns / nsPerMs));
}

/** The current time as restic would write it. */
export function goTimeNow(): string {
  return formatGoTime(nowNs());
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
