/**
 * Locating client tools: a user-chosen folder first, then PATH, then the usual install places (where
 * several versions can sit side by side, e.g. /usr/lib/postgresql/15/bin and …/16/bin).
 */
import { constants } from 'node:fs';
import { access, readdir, realpath } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';

export interface ToolSearch {
  /** Folders searched first (the "database tools folder" setting). */
  dirs?: readonly string[];
  /** Environment whose PATH is searched; also the environment tools run with (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Also search the usual install places (default true). Tests turn it off to simulate a missing tool. */
  wellKnownDirs?: boolean;
}

const isWindows = process.platform === 'win32';

function executableNames(name: string): string[] {
  return isWindows ? [`${name}.exe`, name] : [name];
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, isWindows ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Numeric-aware descending order, so '16' comes before '9.6' and 'postgresql@17' before '@15'. */
function newestFirst(a: string, b: string): number {
  return b.localeCompare(a, 'en', { numeric: true });
}

/**
 * Expands one '*' inside a path segment ('/usr/lib/postgresql/*\/bin'), newest version first. Patterns
 * without '*' are returned as they are.
 */
export async function expandPattern(pattern: string): Promise<string[]> {
  const star = pattern.indexOf('*');
  if (star < 0) return [pattern];
  const sepBefore = Math.max(pattern.lastIndexOf('/', star), pattern.lastIndexOf('\\', star));
  const parent = pattern.slice(0, sepBefore);
  const rest = pattern.slice(sepBefore + 1);
  const sepAfter = rest.search(/[/\\]/);
  const segment = sepAfter < 0 ? rest : rest.slice(0, sepAfter);
  const tail = sepAfter < 0 ? '' : rest.slice(sepAfter + 1);
  const [prefix = '', suffix = ''] = segment.split('*');
  let names: string[];
  try {
    names = await readdir(parent || '/');
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith(suffix) && n.length >= prefix.length + suffix.length)
    .sort(newestFirst)
    .map((n) => (tail ? join(parent, n, tail) : join(parent, n)));
}

/**
 * Every existing executable called `name` (or one of `aliases`), in search order, without duplicates.
 * `wellKnown` are patterns of install folders for this tool family.
 */
export async function findExecutables(
  names: readonly string[],
  wellKnown: readonly string[],
  search: ToolSearch = {},
): Promise<string[]> {
  const env = search.env ?? process.env;
  const pathVar = env.PATH ?? env.Path ?? '';
  const dirs: string[] = [...(search.dirs ?? []), ...pathVar.split(delimiter).filter(Boolean)];
  if (search.wellKnownDirs !== false) {
    for (const pattern of wellKnown) dirs.push(...(await expandPattern(pattern)));
  }
  const found: string[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    for (const name of names) {
      for (const file of executableNames(name)) {
        const full = join(dir, file);
        if (!(await isExecutable(full))) continue;
        const real = await realpath(full).catch(() => full);
        // Debian's pg_wrapper links every /usr/bin/pg_* to one script: keep the tool name in the key.
        const key = `${real}\0${file}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.push(full);
      }
    }
  }
  return found;
}

/** The executable `name` in the same folder as `sibling`, if there is one. */
export async function siblingTool(sibling: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    for (const file of executableNames(name)) {
      const full = join(dirname(sibling), file);
      if (await isExecutable(full)) return full;
    }
  }
  return undefined;
}

/** The environment a tool runs with: the search env (PATH, HOME, …) minus variables we set ourselves. */
export function toolEnv(search: ToolSearch, drop: RegExp, set: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(search.env ?? process.env)) if (!drop.test(k)) env[k] = v;
  // English messages from the tools, so failures can be told apart.
  env.LC_ALL = 'C';
  env.LC_MESSAGES = 'C';
  env.LANGUAGE = '';
  return { ...env, ...set };
}
