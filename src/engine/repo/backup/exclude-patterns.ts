/**
 * Exclude patterns with restic's `--exclude` semantics (internal/filter), so a pattern behaves the
 * same in Lifeboat and in `restic backup`:
 * - matched against the item's absolute path, component by component (`/` separated);
 * - each component is a glob like Go's filepath.Match: `*`, `?`, `[a-z]`, `[^0-9]`, `\x` escapes;
 * - a component `**` stands for any number of components (also none);
 * - a pattern starting with `/` is anchored at the root; any other pattern may match at any depth
 *   (`node_modules` matches `/src/app/node_modules` and everything inside);
 * - a pattern matches a path when it matches a leading part of it, so children of a matched
 *   directory are matched too (`/data/cache` matches `/data/cache/x`);
 * - `!pattern` re-includes what earlier patterns excluded (patterns are applied in order).
 * Case-insensitive patterns (`--iexclude`) lower-case both sides.
 */
import { posix } from 'node:path';
import { LifeboatError } from '../../../shared/errors.ts';

interface Part {
  /** '/' for the root of an absolute pattern, '**' for the recursive wildcard, else a glob. */
  text: string;
  test: (component: string) => boolean;
}

interface Pattern {
  parts: Part[];
  negated: boolean;
}

const anyComponent: Part = { text: '*', test: () => true };

/** Converts one filepath.Match component to a test function; throws on a malformed pattern. */
function compileComponent(glob: string): Part {
  if (!/[*?[\\]/.test(glob)) return { text: glob, test: (c) => c === glob };
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '\\') {
      if (i + 1 >= glob.length) throw badPattern(glob);
      re += escapeRe(glob[++i]!);
    } else if (ch === '[') {
      const end = classEnd(glob, i + 1);
      if (end < 0) throw badPattern(glob);
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      if (body === '') throw badPattern(glob);
      const cls = body.replace(/\\(.)/g, '$1').replace(/[\]\\^]/g, (m) => '\\' + m);
      re += negate ? `[^/${cls}]` : `[${cls}]`;
      i = end;
    } else re += escapeRe(ch);
  }
  const regex = new RegExp(`^${re}$`, 'su');
  return { text: glob, test: (c) => regex.test(c) };
}

/** Index of the `]` closing a character class that starts at `from`, honouring `\` escapes. */
function classEnd(glob: string, from: number): number {
  for (let i = from; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === ']') return i;
  }
  return -1;
}

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function badPattern(p: string): LifeboatError {
  return new LifeboatError('INVALID_ARGUMENT', `The exclude pattern "${p}" is not valid.`, {
    hint: 'Check for an unclosed [ or a trailing \\.',
  });
}

/** Splits a cleaned path into components; an absolute path starts with the component '/'. */
function splitPath(p: string): string[] {
  const parts = p.split('/');
  if (parts[0] === '') parts[0] = '/';
  return parts.filter((x, i) => x !== '' || i === 0);
}

function compile(source: string): Pattern {
  const negated = source.startsWith('!');
  let p = negated ? source.slice(1) : source;
  if (process.platform === 'win32') p = p.replaceAll('\\', '/'); // on Windows `\\` separates, never escapes
  p = posix.normalize(p);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  const parts = splitPath(p).map((c): Part => {
    if (c === '/') return { text: '/', test: (x) => x === '/' };
    if (c === '**') return { text: '**', test: () => true };
    return compileComponent(c);
  });
  return { parts, negated };
}

function matches(parts: Part[], strs: string[]): boolean {
  const dw = parts.findIndex((p) => p.text === '**');
  if (dw >= 0) {
    // '**' stands for k components; try every k that can fit
    for (let k = 0; k <= strs.length - parts.length + 1; k++) {
      const expanded = [...parts.slice(0, dw), ...Array<Part>(k).fill(anyComponent), ...parts.slice(dw + 1)];
      if (matches(expanded, strs)) return true;
    }
    return false;
  }
  if (parts.length === 0) return strs.length === 0;
  if (parts.length > strs.length) return false;
  // anchored patterns match only at the root; others at any depth (but never the root marker)
  const maxOffset = parts[0]!.text === '/' ? 0 : strs.length - parts.length;
  const minOffset = parts[0]!.text !== '/' && strs[0] === '/' ? 1 : 0;
  for (let off = maxOffset; off >= minOffset; off--) {
    if (parts.every((part, i) => part.test(strs[off + i]!))) return true;
  }
  return false;
}

export class ExcludeMatcher {
  private readonly patterns: Pattern[];
  private readonly insensitive: Pattern[];

  /** Throws INVALID_ARGUMENT for a malformed pattern. Empty patterns are ignored. */
  constructor(excludes: readonly string[] = [], insensitiveExcludes: readonly string[] = []) {
    this.patterns = excludes.filter((p) => p !== '').map(compile);
    this.insensitive = insensitiveExcludes.filter((p) => p !== '').map((p) => compile(p.toLowerCase()));
  }

  get empty(): boolean {
    return this.patterns.length === 0 && this.insensitive.length === 0;
  }

  /** True when the absolute path is excluded. */
  excludes(absPath: string): boolean {
    const p = process.platform === 'win32' ? absPath.replaceAll('\\', '/') : absPath;
    return listMatch(this.patterns, splitPath(p)) || listMatch(this.insensitive, splitPath(p.toLowerCase()));
  }
}

function listMatch(patterns: Pattern[], strs: string[]): boolean {
  let matched = false;
  for (const pat of patterns) {
    if (pat.negated) matched = matched && !matches(pat.parts, strs);
    else if (!matched) matched = matches(pat.parts, strs);
  }
  return matched;
}
