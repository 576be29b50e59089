/**
 * JSON the way Go's encoding/json writes it, so our trees and snapshots hash like restic's:
 * keys in insertion order (build objects in struct-field order), `undefined` omitted, HTML
 * characters and U+2028/U+2029 escaped, invalid UTF-16 replaced by U+FFFD, bigint as a plain
 * integer, byte arrays as standard base64.
 */
import { LifeboatError } from '../../shared/errors.ts';

export function goJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

export function goJsonBytes(value: unknown): Buffer {
  return Buffer.from(goJson(value), 'utf8');
}

function write(value: unknown, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(goString(value));
      return;
    case 'number':
      if (!Number.isFinite(value))
        throw new LifeboatError('INTERNAL', 'Cannot encode a non-finite number as JSON.');
      out.push(String(value));
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      out.push('null');
      return;
  }
  if (value === null) {
    out.push('null');
  } else if (value instanceof Uint8Array) {
    out.push('"' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') + '"');
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item === undefined ? null : item, out);
    });
    out.push(']');
  } else {
    out.push('{');
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(goString(k), ':');
      write(v, out);
    }
    out.push('}');
  }
}

// JSON.stringify already escapes quotes, backslashes, control characters and lone surrogates;
// Go additionally escapes <, >, &, U+2028, U+2029 and writes U+FFFD for invalid text.
const needsFix = /[<>&\u2028\u2029]|\\ud[89a-f][0-9a-f]{2}/;

export function goString(s: string): string {
  const json = JSON.stringify(s);
  if (!needsFix.test(json)) return json;
  // Walk escapes as units so an escaped backslash followed by "ud800" text is left alone.
  return json.replace(
    /\\u(d[89a-f][0-9a-f]{2})|\\[\s\S]|[<>&\u2028\u2029]/g,
    (m: string, surrogate?: string) => {
      if (surrogate) return '\ufffd';
      if (m.length === 2) return m;
      return '\\u' + m.charCodeAt(0).toString(16).padStart(4, '0');
    },
  );
}

/**
 * Parses JSON; integers beyond 2^53 (64-bit inodes, device ids) come back as bigint instead of
 * silently losing precision.
 */
export function parseJson<T = unknown>(text: string | Uint8Array): T {
  const source =
    typeof text === 'string'
      ? text
      : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
  try {
    return JSON.parse(source, bigIntReviver) as T;
  } catch (err) {
    throw new LifeboatError('REPO_CORRUPT', 'Repository data is not valid JSON.', {
      details: err instanceof Error ? err.message : String(err),
    });
  }
}

function bigIntReviver(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    context?.source &&
    /^-?\d+$/.test(context.source)
  ) {
    return BigInt(context.source);
  }
  return value;
}
