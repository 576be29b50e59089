/**
 * A tolerant reader for PHP configuration files made of array literals (EspoCRM's `return [...]`,
 * SuiteCRM's `$sugar_config = array(...)` and `$sugar_config['a']['b'] = 'x';` overrides). It never
 * runs PHP: it understands strings, numbers, true/false/null and nested arrays, and skips anything
 * else (constants, function calls, concatenations) as "unknown" instead of failing.
 */

export type PhpValue = string | number | boolean | null | PhpArray | undefined;
export interface PhpArray {
  [key: string]: PhpValue;
}

class Reader {
  pos: number;
  readonly src: string;

  constructor(src: string, pos = 0) {
    this.src = src;
    this.pos = pos;
  }

  /** Skips whitespace and comments (//, #, /* *\/). */
  skip(): void {
    const s = this.src;
    for (;;) {
      while (this.pos < s.length && /\s/.test(s[this.pos]!)) this.pos++;
      if (s.startsWith('//', this.pos) || (s[this.pos] === '#' && s[this.pos + 1] !== '[')) {
        const nl = s.indexOf('\n', this.pos);
        this.pos = nl < 0 ? s.length : nl + 1;
      } else if (s.startsWith('/*', this.pos)) {
        const end = s.indexOf('*/', this.pos + 2);
        this.pos = end < 0 ? s.length : end + 2;
      } else {
        return;
      }
    }
  }

  peek(): string {
    this.skip();
    return this.src[this.pos] ?? '';
  }

  eat(text: string): boolean {
    this.skip();
    if (this.src.slice(this.pos, this.pos + text.length).toLowerCase() === text.toLowerCase()) {
      this.pos += text.length;
      return true;
    }
    return false;
  }

  string(): string {
    const s = this.src;
    const quote = s[this.pos]!;
    this.pos++;
    let out = '';
    while (this.pos < s.length && s[this.pos] !== quote) {
      const c = s[this.pos]!;
      if (c === '\\' && this.pos + 1 < s.length) {
        const n = s[this.pos + 1]!;
        if (quote === "'") {
          out += n === "'" || n === '\\' ? n : `\\${n}`;
        } else {
          const map: Record<string, string> = {
            n: '\n',
            t: '\t',
            r: '\r',
            v: '\v',
            f: '\f',
            e: '\x1b',
            '0': '\0',
            '\\': '\\',
            '"': '"',
            $: '$',
          };
          out += map[n] ?? `\\${n}`;
        }
        this.pos += 2;
      } else {
        out += c;
        this.pos++;
      }
    }
    this.pos++;
    return out;
  }

  /** Skips one expression we do not understand, up to the next ',' ';' or closing bracket at depth 0. */
  skipExpression(): void {
    const s = this.src;
    let depth = 0;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === "'" || c === '"') {
        this.string();
        continue;
      }
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') {
        if (depth === 0) return;
        depth--;
      } else if ((c === ',' || c === ';') && depth === 0) return;
      this.pos++;
    }
  }

  value(): PhpValue {
    const c = this.peek();
    if (c === "'" || c === '"') {
      const text = this.string();
      // 'a' . 'b' and the like: not a plain value.
      if (this.peek() === '.') {
        this.skipExpression();
        return undefined;
      }
      return text;
    }
    if (c === '[') {
      this.pos++;
      return this.arrayBody(']');
    }
    if (/^array\s*\(/i.test(this.src.slice(this.pos, this.pos + 12))) {
      this.pos = this.src.indexOf('(', this.pos) + 1;
      return this.arrayBody(')');
    }
    const rest = this.src.slice(this.pos);
    const num = /^-?\d+(\.\d+)?(?![\w.])/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      if (/^[\s,)\];]/.test(this.src.slice(this.pos, this.pos + 1)) || this.pos >= this.src.length)
        return Number(num[0]);
      this.skipExpression();
      return undefined;
    }
    const word = /^(true|false|null)\b/i.exec(rest);
    if (word) {
      this.pos += word[0].length;
      const w = word[1]!.toLowerCase();
      return w === 'true' ? true : w === 'false' ? false : null;
    }
    this.skipExpression();
    return undefined;
  }

  arrayBody(close: string): PhpArray {
    const out: PhpArray = {};
    let index = 0;
    while (this.pos < this.src.length) {
      if (this.eat(close)) return out;
      const first = this.value();
      let key: string;
      let value: PhpValue;
      if (this.eat('=>')) {
        key = typeof first === 'string' || typeof first === 'number' ? String(first) : `?${index}`;
        if (typeof first === 'number') index = Math.max(index, first + 1);
        value = this.value();
      } else {
        key = String(index++);
        value = first;
      }
      out[key] = value;
      if (!this.eat(',')) {
        this.eat(close);
        return out;
      }
    }
    return out;
  }
}

/** The array after the first `return` (EspoCRM's data/config*.php). */
export function phpReturnArray(source: string): PhpArray | undefined {
  const m = /\breturn\s*(\[|array\s*\()/i.exec(source);
  if (!m) return undefined;
  const v = new Reader(source, m.index + 'return'.length).value();
  return v && typeof v === 'object' ? v : undefined;
}

/** The array assigned to `$name = [...]` / `$name = array(...)` (SuiteCRM's $sugar_config). */
export function phpVariableArray(source: string, name: string): PhpArray | undefined {
  const m = new RegExp(`\\$${name}\\s*=\\s*(\\[|array\\s*\\()`, 'i').exec(source);
  if (!m) return undefined;
  const v = new Reader(source, m.index + m[0].length - m[1]!.length).value();
  return v && typeof v === 'object' ? v : undefined;
}

/** `$name['a']['b'] = value;` lines, in order (SuiteCRM's config_override.php). */
export function phpAssignments(source: string, name: string): Array<{ path: string[]; value: PhpValue }> {
  const out: Array<{ path: string[]; value: PhpValue }> = [];
  const re = new RegExp(`\\$${name}((?:\\s*\\[\\s*(?:'[^']*'|"[^"]*")\\s*\\])+)\\s*=(?!=)`, 'g');
  for (const m of source.matchAll(re)) {
    const path = [...m[1]!.matchAll(/\[\s*(?:'([^']*)'|"([^"]*)")\s*\]/g)].map((k) => k[1] ?? k[2] ?? '');
    const value = new Reader(source, m.index + m[0].length).value();
    out.push({ path, value });
  }
  return out;
}

/** Applies assignments on top of an array (overrides win). */
export function applyAssignments(
  base: PhpArray,
  assignments: Array<{ path: string[]; value: PhpValue }>,
): PhpArray {
  for (const { path, value } of assignments) {
    let node: PhpArray = base;
    path.forEach((key, i) => {
      if (i === path.length - 1) {
        node[key] = value;
        return;
      }
      const next = node[key];
      if (!next || typeof next !== 'object') node[key] = {};
      node = node[key] as PhpArray;
    });
  }
  return base;
}

/** A nested member as text ('' for missing or null; numbers as digits). */
export function phpText(arr: PhpArray | undefined, ...path: string[]): string {
  let node: PhpValue = arr;
  for (const key of path) {
    if (!node || typeof node !== 'object') return '';
    node = node[key];
  }
  return typeof node === 'string' || typeof node === 'number' ? String(node) : '';
}
