/**
 * Go's strconv.Quote / strconv.Unquote without the surrounding quotes. restic stores node names
 * this way inside the tree JSON (so `a"b` is written as `a\"b` before JSON escaping), and names
 * that are not valid UTF-8 carry `\xNN` escapes for their raw bytes.
 */
import { LifeboatError } from '../../shared/errors.ts';

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const simpleEscapes: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** strconv.Quote(s) minus the enclosing double quotes. */
export function goQuoteInner(s: string): string {
  if (/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(s)) return s; // printable ASCII without " and \
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0xfffd;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp >= 0xd800 && cp <= 0xdfff)
      out += '\ufffd'; // lone surrogate: not representable in UTF-8
    else if (printable.test(ch)) out += ch;
    else if (simpleEscapes[ch]) out += simpleEscapes[ch];
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out;
}

const unescapes: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };

/**
 * strconv.Unquote('"' + s + '"') as bytes. Returns undefined when Go would fail (restic then
 * rejects the tree).
 */
export function goUnquoteInnerBytes(s: string): Buffer | undefined {
  if (!s.includes('\\')) return s.includes('"') || s.includes('\n') ? undefined : Buffer.from(s, 'utf8');
  const bytes: number[] = [];
  const pushUtf8 = (text: string): void => {
    for (const b of Buffer.from(text, 'utf8')) bytes.push(b);
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? '';
    if (c === '"' || c === '\n') return undefined;
    if (c !== '\\') {
      const cp = s.codePointAt(i) ?? 0;
      const len = cp > 0xffff ? 2 : 1;
      pushUtf8(s.slice(i, i + len));
      i += len;
      continue;
    }
    const e = s[i + 1];
    if (e === undefined) return undefined;
    if (e in unescapes) {
      bytes.push(unescapes[e] ?? 0);
      i += 2;
    } else if (e === 'x') {
      const h = s.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return undefined;
      bytes.push(parseInt(h, 16));
      i += 4;
    } else if (e >= '0' && e <= '7') {
      const o = s.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255) return undefined;
      bytes.push(parseInt(o, 8));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const h = s.slice(i + 2, i + 2 + n);
      if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) return undefined;
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
      pushUtf8(String.fromCodePoint(cp));
      i += 2 + n;
    } else {
      return undefined;
    }
  }
  return Buffer.from(bytes);
}

export function goUnquoteInner(s: string): string {
  const bytes = goUnquoteInnerBytes(s);
  if (!bytes) throw new LifeboatError('REPO_CORRUPT', `Invalid quoted name ${JSON.stringify(s)} in a tree.`);
  // Names that are not valid UTF-8 cannot be represented exactly in a JS string; U+FFFD stands in.
  return bytes.toString('utf8');
}
