/**
 * The pure parts of the restore screen: paths inside a snapshot, the selection of what to restore,
 * which days have versions, and the suggested folder name. No React here, so it is tested on Node.
 */
import type { SnapshotInfo, TreeEntry } from '../../shared/repositories.ts';
export { backupVersions, drillReportTag } from '../../shared/repositories.ts';
import { isDatabaseDumpPath } from '../../shared/sources.ts';

/** `/a/b/c` → `/a/b`; the top stays `/`. */
export function parentPath(path: string): string {
  const cut = path.replace(/\/+$/, '').lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/** The crumbs of a path, top first: `/a/b` → [{/, ''}, {/a, a}, {/a/b, b}]. */
export function breadcrumbs(path: string): { path: string; name: string }[] {
  const parts = path.split('/').filter(Boolean);
  return [
    { path: '/', name: '' },
    ...parts.map((name, i) => ({ path: '/' + parts.slice(0, i + 1).join('/'), name })),
  ];
}

/** Is `path` the same as `ancestor` or inside it? */
export function isWithin(path: string, ancestor: string): boolean {
  if (ancestor === '/') return true;
  return path === ancestor || path.startsWith(ancestor + '/');
}

/**
 * What to send as `include`: the chosen paths without those already covered by a chosen folder
 * (restoring a folder brings everything in it). Sorted, so the request is stable; `/` chosen means
 * the whole version, which is an empty list.
 */
export function includeList(selected: Iterable<string>): string[] {
  const sorted = [...new Set(selected)].sort();
  if (sorted.includes('/')) return [];
  const out: string[] = [];
  for (const path of sorted) {
    if (!out.some((kept) => isWithin(path, kept))) out.push(path);
  }
  return out;
}

/** The most the Service takes in one restore request. */
export const maxIncludes = 10_000;

/** Chosen itself, or inside a chosen folder. */
export function isSelected(selected: ReadonlySet<string>, path: string): boolean {
  for (let p = path; ; p = parentPath(p)) {
    if (selected.has(p)) return true;
    if (p === '/') return false;
  }
}

/** A folder above the shown one is chosen: everything here comes along and cannot be unticked here. */
export function chosenAbove(selected: ReadonlySet<string>, folder: string): boolean {
  return folder !== '/' && isSelected(selected, parentPath(folder));
}

/** The entries whose name contains the filter (case-insensitive); all of them for an empty filter. */
export function filterEntries(entries: TreeEntry[], filter: string): TreeEntry[] {
  const needle = filter.trim().toLocaleLowerCase();
  if (!needle) return entries;
  return entries.filter((entry) => entry.name.toLocaleLowerCase().includes(needle));
}

/** The "select all" box of the shown folder: every visible entry chosen, some, or none. */
export function selectAllState(
  entries: TreeEntry[],
  selected: ReadonlySet<string>,
  folder: string,
): 'all' | 'some' | 'none' {
  if (isSelected(selected, folder)) return 'all';
  let count = 0;
  for (const entry of entries) if (selected.has(entry.path)) count += 1;
  if (count === 0) return 'none';
  return count === entries.length ? 'all' : 'some';
}

function withoutInside(selected: ReadonlySet<string>, folder: string): Set<string> {
  return new Set([...selected].filter((path) => !isWithin(path, folder)));
}

/**
 * Ticks or unticks everything shown (`shown`: the filtered entries of the folder, `all`: every one).
 * Unfiltered, ticking chooses the folder itself: one path in the request instead of 50,000.
 */
export function setAll(
  selected: ReadonlySet<string>,
  all: TreeEntry[],
  shown: TreeEntry[],
  on: boolean,
  folder: string,
  filtered: boolean,
): Set<string> {
  if (on && !filtered) return withoutInside(selected, folder).add(folder);
  const next = new Set(selected);
  if (!on && next.has(folder)) {
    // Unticking what a filter shows inside a chosen folder keeps the rest of the folder chosen.
    next.delete(folder);
    const unticked = new Set(shown.map((entry) => entry.path));
    for (const entry of all) if (!unticked.has(entry.path)) next.add(entry.path);
    return next;
  }
  for (const entry of shown) {
    if (on) next.add(entry.path);
    else next.delete(entry.path);
  }
  return next;
}

/**
 * Ticks or unticks one entry of the shown folder (`entries`: all of them, not only the filtered ones).
 * Unticking one entry of a chosen folder chooses its other entries instead.
 */
export function toggleEntry(
  selected: ReadonlySet<string>,
  entries: TreeEntry[],
  path: string,
  folder: string,
): Set<string> {
  if (selected.has(folder)) {
    const next = new Set(selected);
    next.delete(folder);
    for (const entry of entries) if (entry.path !== path) next.add(entry.path);
    return next;
  }
  if (selected.has(path)) {
    const next = new Set(selected);
    next.delete(path);
    return next;
  }
  return withoutInside(selected, path).add(path);
}

/** The folders a backup puts database copies in. */
const dumpFolders = new Set(['/postgres', '/mysql', '/sqlite']);

/**
 * The one folder of database copies that is all that is ticked (`include` from `includeList`), whose
 * listing decides whether it holds a single copy to offer "Restore into a database" for.
 */
export function tickedDumpFolder(include: readonly string[]): string | null {
  return include.length === 1 && dumpFolders.has(include[0]!) ? include[0]! : null;
}

/** The only database copy among a folder's entries (its `.info.json` notes are not copies); else null. */
export function singleDumpIn(entries: readonly TreeEntry[]): string | null {
  const dumps = entries.filter(
    (e) => e.type === 'file' && !e.name.endsWith('.info.json') && isDatabaseDumpPath(e.path),
  );
  return dumps.length === 1 ? dumps[0]!.path : null;
}

/**
 * The database copy that "Restore into a database" is offered for: the one ticked copy, or the only
 * copy in the one ticked folder of copies (/postgres holding crm.sql and crm.info.json).
 * `folderEntries`: the listing of that folder, once loaded.
 */
export function databaseCopyToOffer(
  include: readonly string[],
  folderEntries: readonly TreeEntry[] | undefined,
): string | null {
  if (include.length === 1 && isDatabaseDumpPath(include[0]!)) return include[0]!;
  return tickedDumpFolder(include) && folderEntries ? singleDumpIn(folderEntries) : null;
}

/** A local calendar day as `YYYY-MM-DD` (the calendar's own format). */
export function dayKey(time: string | Date): string {
  const d = new Date(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** How many versions each local day has, for marking the calendar. */
export function versionsPerDay(snapshots: SnapshotInfo[]): Map<string, number> {
  const days = new Map<string, number>();
  for (const s of snapshots) days.set(dayKey(s.time), (days.get(dayKey(s.time)) ?? 0) + 1);
  return days;
}

/** Newest first, optionally only one day's versions. */
export function versionsNewestFirst(snapshots: SnapshotInfo[], day: string | null = null): SnapshotInfo[] {
  const list = day ? snapshots.filter((s) => dayKey(s.time) === day) : [...snapshots];
  return list.sort((a, b) => b.time.localeCompare(a.time));
}

/**
 * A new folder in the home folder: `/home/anna/Lifeboat restore 2026-11-29 14.05` (the engine needs a
 * full path; the time keeps a second restore on the same day out of the first one's folder).
 */
export function suggestedFolder(folderName: string, now: Date, home: string): string {
  const sep = home.includes('\\') && !home.includes('/') ? '\\' : '/';
  const time = `${String(now.getHours()).padStart(2, '0')}.${String(now.getMinutes()).padStart(2, '0')}`;
  return `${home.replace(/[\\/]+$/, '')}${sep}${folderName} ${dayKey(now)} ${time}`;
}

/** Seconds → `1:05:09` / `4:09`, for the time left. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
