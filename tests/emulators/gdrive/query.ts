/**
 * The files.list `q` language (https://developers.google.com/drive/api/guides/ref-search-terms),
 * the subset a backup client uses: `'<id>' in parents`, `name = | != | contains '…'`,
 * `mimeType = | != | contains '…'`, `trashed = | != true|false`, `modifiedTime|createdTime <op> '<RFC 3339>'`,
 * combined with `and`, `or`, `not` and parentheses. String literals escape `'` and `\` with a
 * backslash. Anything else is a 400 "Invalid Value" on `q`, as Drive answers.
 */
import { driveErrors } from './errors.ts';

export interface QueryFile {
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  createdTime: string;
  modifiedTime: string;
}

export type Predicate = (f: QueryFile) => boolean;

type Token =
  | { t: 'str'; v: string }
  | { t: 'word'; v: string }
  | { t: 'op'; v: string }
  | { t: '('; v: '(' }
  | { t: ')'; v: ')' };

const bad = (): never => {
  throw driveErrors.invalidParameter('q');
};

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === "'" || c === '"') {
      const quote = c;
      let v = '';
      i++;
      for (;;) {
        if (i >= q.length) bad();
        const d = q[i]!;
        if (d === '\\') {
          const e = q[i + 1];
          if (e === undefined) bad();
          v += e;
          i += 2;
        } else if (d === quote) {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      out.push({ t: 'str', v });
    } else if (c === '(' || c === ')') {
      out.push(c === '(' ? { t: '(', v: '(' } : { t: ')', v: ')' });
      i++;
    } else if ('=!<>'.includes(c)) {
      const two = q.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        out.push({ t: 'op', v: two });
        i += 2;
      } else if (c === '!') {
        bad();
      } else {
        out.push({ t: 'op', v: c });
        i++;
      }
    } else if (/[A-Za-z0-9_.]/.test(c)) {
      let v = '';
      while (i < q.length && /[A-Za-z0-9_.]/.test(q[i]!)) v += q[i++];
      out.push({ t: 'word', v });
    } else {
      bad();
    }
  }
  return out;
}

export function parseQuery(q: string, resolveId: (id: string) => string = (id) => id): Predicate {
  const tokens = tokenize(q);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (tok: Token | undefined, w: string): boolean =>
    tok?.t === 'word' && tok.v.toLowerCase() === w;

  const parseOr = (): Predicate => {
    const parts = [parseAnd()];
    while (isWord(peek(), 'or')) {
      pos++;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? parts[0]! : (f) => parts.some((p) => p(f));
  };
  const parseAnd = (): Predicate => {
    const parts = [parseUnary()];
    while (isWord(peek(), 'and')) {
      pos++;
      parts.push(parseUnary());
    }
    return parts.length === 1 ? parts[0]! : (f) => parts.every((p) => p(f));
  };
  const parseUnary = (): Predicate => {
    const tok = peek();
    if (isWord(tok, 'not')) {
      pos++;
      const inner = parseUnary();
      return (f) => !inner(f);
    }
    if (tok?.t === '(') {
      pos++;
      const inner = parseOr();
      if (peek()?.t !== ')') bad();
      pos++;
      return inner;
    }
    return parseTerm();
  };
  const parseTerm = (): Predicate => {
    const a = tokens[pos];
    const op = tokens[pos + 1];
    const b = tokens[pos + 2];
    if (!a || !op || !b) return bad();
    pos += 3;
    // '<value>' in <collection>
    if (a.t === 'str' && isWord(op, 'in') && b.t === 'word') {
      if (b.v !== 'parents') bad(); // owners/writers/readers are not emulated
      const id = resolveId(a.v);
      return (f) => f.parents.includes(id);
    }
    if (a.t !== 'word') return bad();
    const field = a.v;
    const operator = op.t === 'op' ? op.v : op.t === 'word' ? op.v : bad();
    switch (field) {
      case 'name':
      case 'mimeType': {
        if (b.t !== 'str') bad();
        const value = b.v;
        const get = (f: QueryFile): string => (field === 'name' ? f.name : f.mimeType);
        if (operator === '=') return (f) => get(f) === value;
        if (operator === '!=') return (f) => get(f) !== value;
        if (operator === 'contains') return (f) => get(f).includes(value);
        return bad();
      }
      case 'trashed': {
        if (b.t !== 'word' || (b.v !== 'true' && b.v !== 'false')) bad();
        const value = b.v === 'true';
        if (operator === '=') return (f) => f.trashed === value;
        if (operator === '!=') return (f) => f.trashed !== value;
        return bad();
      }
      case 'modifiedTime':
      case 'createdTime': {
        if (b.t !== 'str' || Number.isNaN(Date.parse(b.v))) bad();
        const t = Date.parse(b.v);
        const get = (f: QueryFile): number =>
          Date.parse(field === 'createdTime' ? f.createdTime : f.modifiedTime);
        const cmp: Record<string, (x: number) => boolean> = {
          '=': (x) => x === t,
          '!=': (x) => x !== t,
          '<': (x) => x < t,
          '<=': (x) => x <= t,
          '>': (x) => x > t,
          '>=': (x) => x >= t,
        };
        const fn = cmp[operator] ?? bad();
        return (f) => fn(get(f));
      }
      default:
        return bad();
    }
  };

  if (tokens.length === 0) return () => true;
  const pred = parseOr();
  if (pos !== tokens.length) bad();
  return pred;
}
