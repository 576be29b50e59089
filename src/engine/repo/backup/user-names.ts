/**
 * uid → user name and gid → group name, which restic stores in every node. On Linux they come from
 * /etc/passwd and /etc/group (read once, cached; NSS sources such as LDAP are not consulted, like
 * restic built without cgo). Elsewhere names are empty, which restic accepts.
 */
import { readFileSync } from 'node:fs';

let users: Map<number, string> | undefined;
let groups: Map<number, string> | undefined;

/** Parses `name:password:id:...` lines (passwd and group share the first three fields). */
export function parseIdFile(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [name, , id] = line.split(':');
    const n = Number(id);
    if (name && id !== undefined && id !== '' && Number.isInteger(n) && !out.has(n)) out.set(n, name);
  }
  return out;
}

function load(file: string): Map<number, string> {
  if (process.platform !== 'linux') return new Map();
  try {
    return parseIdFile(readFileSync(file, 'utf8'));
  } catch {
    return new Map(); // unreadable or missing: names stay empty, never fatal
  }
}

export function userName(uid: number): string {
  users ??= load('/etc/passwd');
  return users.get(uid) ?? '';
}

export function groupName(gid: number): string {
  groups ??= load('/etc/group');
  return groups.get(gid) ?? '';
}
