/**
 * Retention ("forget") policy with restic's exact semantics (internal/data/snapshot_policy.go,
 * duration.go, snapshot_group.go; cmd/restic/cmd_forget.go for the checks). Pure: no I/O, the clock
 * (`now`) and the time zone are injectable. Walking snapshots newest first, each keep-* rule keeps
 * the first snapshot of each new bucket (hour, day, ISO week, month, year) until its count runs out;
 * -1 means unlimited; when a rule still has count left at the oldest snapshot, that one is kept too.
 * keep-within* rules count back from the newest snapshot that is not in the future.
 */
import { LifeboatError } from '../../shared/errors.ts';

export interface PolicySnapshot {
  id: string;
  time: Date;
  tags: readonly string[];
  hostname: string;
  paths: readonly string[];
}

/** restic's Duration: calendar units, applied like Go's AddDate (then hours as 3600 s each). */
export interface Duration {
  years: number;
  months: number;
  days: number;
  hours: number;
}

export interface ForgetPolicy {
  /** Counts: 0/undefined = rule off, -1 = unlimited ("unlimited" in restic's CLI). */
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  /** Durations like '2y5m7d3h', relative to the newest snapshot. */
  keepWithin?: string | Duration;
  keepWithinHourly?: string | Duration;
  keepWithinDaily?: string | Duration;
  keepWithinWeekly?: string | Duration;
  keepWithinMonthly?: string | Duration;
  keepWithinYearly?: string | Duration;
  /** Each entry is a tag list 'a,b': keep snapshots that have all of its tags (restic --keep-tag). */
  keepTags?: readonly string[];
}

export interface KeepDecision<S> {
  snapshot: S;
  /** restic's wording: 'daily snapshot', 'oldest monthly snapshot', 'within 7d', 'has tags [a]'… */
  reasons: string[];
}

export interface PolicyResult<S> {
  /** Newest first, like `remove`. */
  keep: KeepDecision<S>[];
  remove: S[];
}

/** Wall-clock view of instants; buckets and keep-within use it. */
export interface TimeZone {
  fields(t: Date): {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
    ms: number;
  };
  /** The instant of a wall-clock time; out-of-range fields normalize like Go's time.Date. */
  instant(
    year: number,
    month: number,
    day: number,
    hour: number,
    minute: number,
    second: number,
    ms: number,
  ): Date;
}

export const localTimeZone: TimeZone = {
  fields: (t) => ({
    year: t.getFullYear(),
    month: t.getMonth() + 1,
    day: t.getDate(),
    hour: t.getHours(),
    minute: t.getMinutes(),
    second: t.getSeconds(),
    ms: t.getMilliseconds(),
  }),
  instant: (y, mo, d, h, mi, s, ms) => {
    const t = new Date(2000, 0, 1, h, mi, s, ms);
    t.setFullYear(y, mo - 1, d); // setFullYear: years 0-99 are not shifted to 19xx
    return t;
  },
};

export const utcTimeZone: TimeZone = {
  fields: (t) => ({
    year: t.getUTCFullYear(),
    month: t.getUTCMonth() + 1,
    day: t.getUTCDate(),
    hour: t.getUTCHours(),
    minute: t.getUTCMinutes(),
    second: t.getUTCSeconds(),
    ms: t.getUTCMilliseconds(),
  }),
  instant: (y, mo, d, h, mi, s, ms) => new Date(utcMs(y, mo, d, h, mi, s, ms)),
};

function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

/** An IANA zone ('Europe/Moscow') through Intl, for tests and for users who pick a zone. */
export function ianaTimeZone(name: string): TimeZone {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const fields = (t: Date) => {
    const p = Object.fromEntries(fmt.formatToParts(t).map((x) => [x.type, x.value]));
    const year = p.era === 'BC' ? 1 - Number(p.year) : Number(p.year);
    return {
      year,
      month: Number(p.month),
      day: Number(p.day),
      hour: Number(p.hour),
      minute: Number(p.minute),
      second: Number(p.second),
      ms: ((t.getTime() % 1000) + 1000) % 1000,
    };
  };
  const offsetAt = (ms: number) => {
    const f = fields(new Date(ms));
    return utcMs(f.year, f.month, f.day, f.hour, f.minute, f.second, f.ms) - ms;
  };
  return {
    fields,
    instant: (y, mo, d, h, mi, s, ms) => {
      const wall = utcMs(y, mo, d, h, mi, s, ms);
      let t = wall - offsetAt(wall);
      t = wall - offsetAt(t); // second pass settles offsets near a DST change
      return new Date(t);
    },
  };
}

const zeroDuration: Duration = { years: 0, months: 0, days: 0, hours: 0 };

/** Parses '6y5m234d37h' like restic (later units overwrite earlier ones; '' is zero). */
export function parseDuration(text: string): Duration {
  const d = { ...zeroDuration };
  let s = text.trim();
  while (s !== '') {
    const m = /^(-?)(\d*)(.?)/su.exec(s)!;
    if (m[2] === '') throw invalid(`"${text}" is not a duration: no number found.`);
    if (m[3] === '') throw invalid(`"${text}" is not a duration: no unit after ${m[1]}${m[2]}.`);
    const n = Number(m[2]) * (m[1] ? -1 : 1);
    const unit = ({ y: 'years', m: 'months', d: 'days', h: 'hours' } as const)[m[3] as 'y'];
    if (!unit) throw invalid(`"${text}" is not a duration: unknown unit "${m[3]}" (use y, m, d, h).`);
    d[unit] = n;
    s = s.slice(m[0].length);
  }
  return d;
}

export function formatDuration(d: Duration): string {
  return `${d.years ? `${d.years}y` : ''}${d.months ? `${d.months}m` : ''}${d.days ? `${d.days}d` : ''}${d.hours ? `${d.hours}h` : ''}`;
}

function toDuration(v: string | Duration | undefined): Duration {
  return v === undefined ? zeroDuration : typeof v === 'string' ? parseDuration(v) : v;
}

const isZero = (d: Duration) => !d.years && !d.months && !d.days && !d.hours;

function invalid(message: string): LifeboatError {
  return new LifeboatError('INVALID_ARGUMENT', message);
}

const counts = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;
const withins = [
  'keepWithin',
  'keepWithinHourly',
  'keepWithinDaily',
  'keepWithinWeekly',
  'keepWithinMonthly',
  'keepWithinYearly',
] as const;

/** restic forget's checks: counts ≥ -1, durations not negative, tag lists well-formed. */
export function validatePolicy(p: ForgetPolicy): void {
  for (const k of counts) {
    const v = p[k] ?? 0;
    if (!Number.isInteger(v) || v < -1) throw invalid(`${k} must be a whole number, or -1 for unlimited.`);
  }
  for (const k of withins) {
    const d = toDuration(p[k]);
    if (d.years < 0 || d.months < 0 || d.days < 0 || d.hours < 0) throw invalid(`${k} must not be negative.`);
  }
}

export function isEmptyPolicy(p: ForgetPolicy): boolean {
  return (
    counts.every((k) => !p[k]) && withins.every((k) => isZero(toDuration(p[k]))) && !(p.keepTags ?? []).length
  );
}

/** ISO 8601 week-numbering year and week, as YYYYWW (Go's ISOWeek). */
function isoWeek(year: number, month: number, day: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  const weekday = (t.getUTCDay() + 6) % 7; // Monday 0
  t.setUTCDate(t.getUTCDate() - weekday + 3); // the Thursday of this week decides the year
  const isoYear = t.getUTCFullYear();
  const jan1 = new Date(0);
  jan1.setUTCFullYear(isoYear, 0, 1);
  return isoYear * 100 + 1 + Math.floor((t.getTime() - jan1.getTime()) / (7 * 86_400_000));
}

type Fields = ReturnType<TimeZone['fields']>;
const bucketFns: Record<string, (f: Fields, nr: number) => number> = {
  last: (_f, nr) => nr,
  hourly: (f) => f.year * 1_000_000 + f.month * 10_000 + f.day * 100 + f.hour,
  daily: (f) => f.year * 10_000 + f.month * 100 + f.day,
  weekly: (f) => isoWeek(f.year, f.month, f.day),
  monthly: (f) => f.year * 100 + f.month,
  yearly: (f) => f.year,
};

export interface ApplyOptions {
  /** Default: the machine's local zone, as restic. */
  timeZone?: TimeZone;
  /** Snapshots after `now` are ignored when finding the newest one for keep-within. */
  now?: Date;
}

/** restic's ApplyPolicy: which snapshots of ONE group to keep and why. */
export function applyPolicy<S extends PolicySnapshot>(
  snapshots: readonly S[],
  policy: ForgetPolicy,
  options: ApplyOptions = {},
): PolicyResult<S> {
  const tz = options.timeZone ?? localTimeZone;
  const now = (options.now ?? new Date()).getTime();
  const list = [...snapshots].sort((a, b) => b.time.getTime() - a.time.getTime()); // stable: ties keep input order
  const result: PolicyResult<S> = { keep: [], remove: [] };
  if (list.length === 0) return result;

  const names = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
  const buckets = names.map((name, i) => ({
    name,
    count: policy[counts[i]!] ?? 0,
    last: undefined as number | undefined,
  }));
  const withinBuckets = names
    .slice(1)
    .map((name, i) => ({
      name,
      within: toDuration(policy[withins[i + 1]!]),
      last: undefined as number | undefined,
    }));
  const within = toDuration(policy.keepWithin);
  const tagLists = (policy.keepTags ?? []).map((l) => l.split(',').map((t) => t.trim()));

  let latest: number | undefined;
  for (const s of list) {
    const t = s.time.getTime();
    if (t < now && (latest === undefined || t > latest)) latest = t;
  }
  /** The instant `d` before the newest snapshot (Go: latest.AddDate(-y,-m,-d).Add(-h)). */
  const since = (d: Duration) => {
    if (latest === undefined) return -Infinity; // restic counts back from Go's zero time: keeps all
    const f = tz.fields(new Date(latest));
    return (
      tz
        .instant(f.year - d.years, f.month - d.months, f.day - d.days, f.hour, f.minute, f.second, f.ms)
        .getTime() -
      d.hours * 3_600_000
    );
  };

  list.forEach((snap, nr) => {
    const reasons: string[] = [];
    const oldest = nr === list.length - 1;
    const fields = tz.fields(snap.time);
    for (const tags of tagLists) {
      if (hasTags(snap, tags)) reasons.push(`has tags [${tags.join(', ')}]`);
    }
    if (!isZero(within) && snap.time.getTime() > since(within))
      reasons.push(`within ${formatDuration(within)}`);
    for (const b of buckets) {
      if (b.count === 0 || b.count < -1) continue;
      const val = bucketFns[b.name]!(fields, nr);
      if (val === b.last && !oldest) continue;
      const label = b.name === 'last' ? 'last snapshot' : `${b.name} snapshot`;
      reasons.push(val === b.last ? `oldest ${label}` : label);
      b.last = val;
      if (b.count > 0) b.count--;
    }
    for (const b of withinBuckets) {
      if (isZero(b.within) || !(snap.time.getTime() > since(b.within))) continue;
      const val = bucketFns[b.name]!(fields, nr);
      if (val === b.last && !oldest) continue;
      reasons.push(`${val === b.last ? 'oldest ' : ''}${b.name} within ${formatDuration(b.within)}`);
      b.last = val;
    }
    if (reasons.length > 0) result.keep.push({ snapshot: snap, reasons });
    else result.remove.push(snap);
  });
  return result;
}

/** restic's Snapshot.HasTags: all tags of the list; an empty tag matches a snapshot without tags. */
function hasTags(snap: PolicySnapshot, tags: readonly string[]): boolean {
  for (const tag of tags) {
    if (tag === '' && snap.tags.length === 0) return true;
    if (!snap.tags.includes(tag)) return false;
  }
  return true;
}

export interface GroupBy {
  host?: boolean;
  paths?: boolean;
  tags?: boolean;
}

export interface SnapshotGroup<S> {
  /** restic's group key: fields not grouped by are empty (null in its JSON). */
  key: { hostname: string; paths: string[] | null; tags: string[] | null };
  snapshots: S[];
}

/** restic's default for forget: `--group-by host,paths`. */
export const defaultGroupBy: GroupBy = { host: true, paths: true };

/** restic's GroupSnapshots: paths (and tags, when grouped by) compare sorted. Groups sorted by key. */
export function groupSnapshots<S extends PolicySnapshot>(
  snapshots: readonly S[],
  by: GroupBy = defaultGroupBy,
): SnapshotGroup<S>[] {
  const groups = new Map<string, SnapshotGroup<S>>();
  for (const s of snapshots) {
    const key = {
      hostname: by.host ? s.hostname : '',
      paths: by.paths ? [...s.paths].sort() : null,
      tags: by.tags ? [...s.tags].sort() : null,
    };
    const k = JSON.stringify(key);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { key, snapshots: [] }));
    g.snapshots.push(s);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}

/**
 * What `restic forget` would do: validate, group, apply per group. Refuses an empty policy and a
 * policy that would remove every snapshot of a group, as restic does.
 */
export function planForget<S extends PolicySnapshot>(
  snapshots: readonly S[],
  policy: ForgetPolicy,
  options: ApplyOptions & { groupBy?: GroupBy } = {},
): (SnapshotGroup<S> & PolicyResult<S>)[] {
  validatePolicy(policy);
  if (isEmptyPolicy(policy)) throw invalid('No retention rule is set, so no snapshot would be kept.');
  return groupSnapshots(snapshots, options.groupBy).map((g) => {
    const r = applyPolicy(g.snapshots, policy, options);
    if (r.keep.length === 0) {
      throw invalid(`Refusing to delete the last snapshot of ${g.key.hostname || 'a group'}.`);
    }
    return { ...g, ...r };
  });
}
