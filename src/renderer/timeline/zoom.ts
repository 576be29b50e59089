/**
 * The time axis: a window of one day, week, month or year, cut into buckets small enough to tell
 * versions apart and few enough to draw (at most ~53), with tick marks for the labels. With 2,000
 * versions a bucket gathers several of them; the list beside the axis shows each one. Pure.
 */
import type { Version, VersionStatus } from './versions.ts';

export const zoomLevels = ['day', 'week', 'month', 'year'] as const;
export type Zoom = (typeof zoomLevels)[number];

export interface TimeWindow {
  start: number;
  end: number;
}

export interface Bucket {
  start: number;
  end: number;
  /** Versions in it (indexes into the list given to `bucketize`), oldest first. */
  first: number;
  count: number;
  dataAdded: number;
  /** The worst status among them (failed > warning > ok > unknown). */
  status: VersionStatus | null;
}

export interface Tick {
  time: number;
  /** What the label shows: the hour, the weekday, the day of the month or the month. */
  kind: 'hour' | 'weekday' | 'day' | 'month';
}

/** Local calendar arithmetic (the user thinks in their own days, not UTC's). */
function startOfDay(t: number): Date {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d;
}

function addDays(d: Date, days: number): Date {
  const next = new Date(d);
  next.setDate(next.getDate() + days);
  return next;
}

/** The calendar day, week (Monday first), month or year around `anchor`. */
export function windowAround(zoom: Zoom, anchor: number): TimeWindow {
  const day = startOfDay(anchor);
  switch (zoom) {
    case 'day':
      return { start: day.getTime(), end: addDays(day, 1).getTime() };
    case 'week': {
      const monday = addDays(day, -((day.getDay() + 6) % 7));
      return { start: monday.getTime(), end: addDays(monday, 7).getTime() };
    }
    case 'month': {
      const first = new Date(day.getFullYear(), day.getMonth(), 1);
      return { start: first.getTime(), end: new Date(day.getFullYear(), day.getMonth() + 1, 1).getTime() };
    }
    case 'year':
      return {
        start: new Date(day.getFullYear(), 0, 1).getTime(),
        end: new Date(day.getFullYear() + 1, 0, 1).getTime(),
      };
  }
}

/** The window before (-1) or after (+1) this one. */
export function shiftWindow(zoom: Zoom, window: TimeWindow, direction: -1 | 1): TimeWindow {
  const anchor = direction === 1 ? window.end : window.start - 1;
  return windowAround(zoom, anchor);
}

/** Bucket edges: hours of a day, quarter days of a week, days of a month, weeks of a year. */
export function bucketEdges(zoom: Zoom, window: TimeWindow): number[] {
  const edges: number[] = [];
  if (zoom === 'day' || zoom === 'week') {
    const stepHours = zoom === 'day' ? 1 : 6;
    // Walk by local hours so a DST day has 23 or 25 buckets instead of drifting.
    const d = new Date(window.start);
    while (d.getTime() < window.end) {
      edges.push(d.getTime());
      d.setHours(d.getHours() + stepHours);
    }
  } else {
    const stepDays = zoom === 'month' ? 1 : 7;
    for (let d = new Date(window.start); d.getTime() < window.end; d = addDays(d, stepDays))
      edges.push(d.getTime());
  }
  edges.push(window.end);
  return edges;
}

const statusRank: Record<VersionStatus, number> = { unknown: 0, ok: 1, warning: 2, failed: 3 };

/** First index with time >= t in a list sorted oldest first. */
export function lowerBound(versions: Version[], t: number): number {
  let lo = 0;
  let hi = versions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (versions[mid]!.time < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Gathers the versions (sorted oldest first) into the window's buckets. */
export function bucketize(versions: Version[], zoom: Zoom, window: TimeWindow): Bucket[] {
  const edges = bucketEdges(zoom, window);
  const buckets: Bucket[] = [];
  let i = lowerBound(versions, window.start);
  for (let b = 0; b < edges.length - 1; b++) {
    const start = edges[b]!;
    const end = edges[b + 1]!;
    const bucket: Bucket = { start, end, first: i, count: 0, dataAdded: 0, status: null };
    while (i < versions.length && versions[i]!.time < end) {
      const v = versions[i]!;
      bucket.count += 1;
      bucket.dataAdded += v.snapshot.summary?.dataAdded ?? 0;
      if (bucket.status === null || statusRank[v.status] > statusRank[bucket.status])
        bucket.status = v.status;
      i += 1;
    }
    buckets.push(bucket);
  }
  return buckets;
}

/** Where the labels go: every 3 hours, every day, every 5th day, every month. */
export function ticksFor(zoom: Zoom, window: TimeWindow): Tick[] {
  const ticks: Tick[] = [];
  if (zoom === 'day') {
    // Local clock hours (a DST day is 23 or 25 hours long).
    for (let h = 0; h < 24; h += 3) {
      const d = new Date(window.start);
      d.setHours(h);
      ticks.push({ time: d.getTime(), kind: 'hour' });
    }
    return ticks;
  }
  if (zoom === 'week') {
    for (let n = 0; n < 7; n++)
      ticks.push({ time: addDays(new Date(window.start), n).getTime(), kind: 'weekday' });
    return ticks;
  }
  if (zoom === 'month') {
    for (let d = new Date(window.start); d.getTime() < window.end; d = addDays(d, 1)) {
      const date = d.getDate();
      if (date === 1 || date % 5 === 0) ticks.push({ time: d.getTime(), kind: 'day' });
    }
    return ticks;
  }
  const year = new Date(window.start).getFullYear();
  for (let m = 0; m < 12; m++) ticks.push({ time: new Date(year, m, 1).getTime(), kind: 'month' });
  return ticks;
}

const zoomSpan: Record<Zoom, number> = { day: 1, week: 7, month: 31, year: 366 };

/** The zoom that shows the newest versions best on first sight: the smallest span holding ~10 of them. */
export function initialZoom(versions: Version[]): Zoom {
  if (versions.length === 0) return 'month';
  const newest = versions[versions.length - 1]!.time;
  const want = Math.min(10, versions.length);
  for (const zoom of zoomLevels) {
    const since = newest - zoomSpan[zoom] * 86_400_000;
    if (versions.length - lowerBound(versions, since) >= want) return zoom;
  }
  return 'year';
}
