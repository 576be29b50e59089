import { describe, expect, it } from 'vitest';
import {
  applyPolicy,
  groupSnapshots,
  ianaTimeZone,
  isEmptyPolicy,
  parseDuration,
  planForget,
  utcTimeZone,
  validatePolicy,
} from '../../../src/engine/repo/forget-policy.ts';
import type { ForgetPolicy, PolicySnapshot } from '../../../src/engine/repo/forget-policy.ts';

function snap(time: string, extra: Partial<PolicySnapshot> = {}): PolicySnapshot {
  return { id: time, time: new Date(time), tags: [], hostname: 'office', paths: ['/crm'], ...extra };
}

/** Kept snapshot ids with reasons, newest first. */
function run(
  list: PolicySnapshot[],
  policy: ForgetPolicy,
  now = '2030-01-01T00:00:00Z',
  timeZone = utcTimeZone,
) {
  const r = applyPolicy(list, policy, { timeZone, now: new Date(now) });
  expect(r.keep.length + r.remove.length).toBe(list.length);
  return Object.fromEntries(r.keep.map((k) => [k.snapshot.id, k.reasons.join(' + ')]));
}

describe('applyPolicy (restic semantics)', () => {
  const days = [
    '2024-03-10T09:00:00Z',
    '2024-03-10T18:00:00Z',
    '2024-03-11T09:00:00Z',
    '2024-03-12T09:00:00Z',
    '2024-03-12T12:00:00Z',
    '2024-03-12T18:00:00Z',
  ].map((t) => snap(t));

  it.each([
    [{}, {}],
    [{ keepLast: 2 }, { '2024-03-12T18:00:00Z': 'last snapshot', '2024-03-12T12:00:00Z': 'last snapshot' }],
    [
      { keepDaily: 2 },
      { '2024-03-12T18:00:00Z': 'daily snapshot', '2024-03-11T09:00:00Z': 'daily snapshot' },
    ],
    [
      // counts left at the oldest snapshot: it is kept too ("oldest")
      { keepDaily: 10 },
      {
        '2024-03-12T18:00:00Z': 'daily snapshot',
        '2024-03-11T09:00:00Z': 'daily snapshot',
        '2024-03-10T18:00:00Z': 'daily snapshot',
        '2024-03-10T09:00:00Z': 'oldest daily snapshot',
      },
    ],
    [
      // -1: unlimited days
      { keepDaily: -1, keepLast: 1 },
      {
        '2024-03-12T18:00:00Z': 'last snapshot + daily snapshot',
        '2024-03-11T09:00:00Z': 'daily snapshot',
        '2024-03-10T18:00:00Z': 'daily snapshot',
        '2024-03-10T09:00:00Z': 'oldest daily snapshot',
      },
    ],
    [
      { keepHourly: 3 },
      {
        '2024-03-12T18:00:00Z': 'hourly snapshot',
        '2024-03-12T12:00:00Z': 'hourly snapshot',
        '2024-03-12T09:00:00Z': 'hourly snapshot',
      },
    ],
    [{ keepLast: -1 }, Object.fromEntries(days.map((d) => [d.id, 'last snapshot']))],
  ] as [ForgetPolicy, Record<string, string>][])('%j', (policy, expected) => {
    expect(run(days, policy)).toEqual(expected);
  });

  it('buckets weeks by ISO week (a week can span New Year)', () => {
    const list = [
      '2020-12-20T10:00:00Z',
      '2020-12-31T10:00:00Z',
      '2021-01-03T10:00:00Z',
      '2021-01-04T10:00:00Z',
    ].map((t) => snap(t));
    // 2020-12-31 and 2021-01-03 are both in ISO week 2020-W53; 2021-01-04 starts 2021-W01
    expect(run(list, { keepWeekly: 10 })).toEqual({
      '2021-01-04T10:00:00Z': 'weekly snapshot',
      '2021-01-03T10:00:00Z': 'weekly snapshot',
      '2020-12-20T10:00:00Z': 'weekly snapshot',
    });
    expect(run(list, { keepYearly: 1, keepMonthly: 2 })).toEqual({
      '2021-01-04T10:00:00Z': 'monthly snapshot + yearly snapshot',
      '2020-12-31T10:00:00Z': 'monthly snapshot',
    });
  });

  it('keeps within a duration of the newest snapshot, with calendar arithmetic like Go AddDate', () => {
    const latest = '2024-03-31T12:00:00Z';
    const list = [
      latest,
      '2024-03-29T12:00:01Z',
      '2024-03-29T11:59:59Z',
      '2024-03-02T12:00:00Z',
      '2024-03-02T12:00:00.001Z',
    ].map((t) => snap(t));
    expect(Object.keys(run(list, { keepWithin: '2d' }))).toEqual([latest, '2024-03-29T12:00:01Z']);
    // March 31 minus one month is "February 31", which normalizes to March 2
    expect(run(list, { keepWithin: '1m' })).toMatchObject({ '2024-03-02T12:00:00.001Z': 'within 1m' });
    expect(Object.keys(run(list, { keepWithin: '1m' }))).not.toContain('2024-03-02T12:00:00.000Z');
    expect(Object.keys(run(list, { keepWithin: '2d1h' }))).toHaveLength(3);
    expect(run(list, { keepWithinDaily: '3d' })).toEqual({
      [latest]: 'daily within 3d',
      '2024-03-29T12:00:01Z': 'daily within 3d',
    });
  });

  it('ignores snapshots in the future when finding the newest one', () => {
    const now = '2024-05-01T13:00:00Z';
    const list = [
      '2024-05-31T00:00:00Z',
      '2024-05-01T12:00:00Z',
      '2024-05-01T00:00:00Z',
      '2024-04-28T00:00:00Z',
    ].map((t) => snap(t));
    expect(Object.keys(run(list, { keepWithin: '1d' }, now))).toEqual([
      '2024-05-31T00:00:00Z',
      '2024-05-01T12:00:00Z',
      '2024-05-01T00:00:00Z',
    ]);
  });

  it('keeps tagged snapshots: every tag of one list must be present', () => {
    const list = [
      snap('2024-01-03T00:00:00Z', { tags: ['a', 'b'] }),
      snap('2024-01-02T00:00:00Z', { tags: ['a'] }),
      snap('2024-01-01T00:00:00Z', { tags: ['c'] }),
      snap('2023-12-31T00:00:00Z'),
    ];
    expect(run(list, { keepTags: ['a,b', 'c'] })).toEqual({
      '2024-01-03T00:00:00Z': 'has tags [a, b]',
      '2024-01-01T00:00:00Z': 'has tags [c]',
    });
    expect(run(list, { keepTags: [''] })).toEqual({ '2023-12-31T00:00:00Z': 'has tags []' });
  });

  it('uses the injected time zone for buckets', () => {
    const list = ['2024-05-30T12:00:00Z', '2024-06-01T20:30:00Z', '2024-06-01T21:30:00Z'].map((t) => snap(t));
    // UTC: both June 1; Moscow (UTC+3): 23:30 on June 1 and 00:30 on June 2
    expect(Object.keys(run(list, { keepDaily: 5 }))).toEqual([
      '2024-06-01T21:30:00Z',
      '2024-05-30T12:00:00Z',
    ]);
    expect(Object.keys(run(list, { keepDaily: 5 }, undefined, ianaTimeZone('Europe/Moscow')))).toHaveLength(
      3,
    );
    // keep-within in a zone with DST: one month back from a summer date lands in winter time
    const ny = ianaTimeZone('America/New_York');
    // 12:00 EDT on April 5 minus one month is 12:00 EST on March 5 = 17:00 UTC (not 16:00)
    const dst = ['2024-04-05T16:00:00Z', '2024-03-05T17:00:01Z', '2024-03-05T16:30:00Z'].map((t) => snap(t));
    expect(Object.keys(run(dst, { keepWithin: '1m' }, undefined, ny))).toEqual([
      '2024-04-05T16:00:00Z',
      '2024-03-05T17:00:01Z',
    ]);
    expect(Object.keys(run(dst, { keepWithin: '1m' }))).toHaveLength(3);
  });

  it('returns nothing for no snapshots and removes all with an empty policy (planForget refuses)', () => {
    expect(applyPolicy([], { keepLast: 1 })).toEqual({ keep: [], remove: [] });
    expect(applyPolicy(days, {}).remove).toHaveLength(days.length);
  });
});

describe('durations and validation', () => {
  it('parses like restic', () => {
    expect(parseDuration('2y5m7d3h')).toEqual({ years: 2, months: 5, days: 7, hours: 3 });
    expect(parseDuration(' 10d ')).toEqual({ years: 0, months: 0, days: 10, hours: 0 });
    expect(parseDuration('')).toEqual({ years: 0, months: 0, days: 0, hours: 0 });
    expect(parseDuration('-1d').days).toBe(-1);
    for (const bad of ['5', 'd', '3x', '1d2']) expect(() => parseDuration(bad)).toThrow();
  });

  it('validates counts and durations like restic forget', () => {
    expect(() => validatePolicy({ keepDaily: -1, keepWithin: '1y' })).not.toThrow();
    expect(() => validatePolicy({ keepDaily: -2 })).toThrow(/keepDaily/);
    expect(() => validatePolicy({ keepLast: 1.5 })).toThrow();
    expect(() => validatePolicy({ keepWithin: '-1d' })).toThrow(/negative/);
    expect(isEmptyPolicy({ keepDaily: 0, keepWithin: '', keepTags: [] })).toBe(true);
    expect(isEmptyPolicy({ keepTags: [''] })).toBe(false);
  });
});

describe('grouping', () => {
  const list = [
    snap('2024-01-01T00:00:00Z', { id: 'a', paths: ['/b', '/a'] }),
    snap('2024-01-02T00:00:00Z', { id: 'b', paths: ['/a', '/b'] }),
    snap('2024-01-03T00:00:00Z', { id: 'c', hostname: 'laptop', paths: ['/a', '/b'] }),
    snap('2024-01-04T00:00:00Z', { id: 'd', paths: ['/crm'], tags: ['x'] }),
  ];

  it('groups by host and paths by default, paths compared sorted', () => {
    const groups = groupSnapshots(list);
    expect(groups.map((g) => [g.key, g.snapshots.map((s) => s.id)])).toEqual([
      [{ hostname: 'laptop', paths: ['/a', '/b'], tags: null }, ['c']],
      [{ hostname: 'office', paths: ['/a', '/b'], tags: null }, ['a', 'b']],
      [{ hostname: 'office', paths: ['/crm'], tags: null }, ['d']],
    ]);
    expect(groupSnapshots(list, { host: true })).toHaveLength(2);
    expect(groupSnapshots(list, {})).toHaveLength(1);
  });

  it('planForget applies per group and refuses to empty a group or run without rules', () => {
    const plan = planForget(list, { keepLast: 1 }, { timeZone: utcTimeZone });
    expect(plan.map((g) => g.keep.map((k) => k.snapshot.id))).toEqual([['c'], ['b'], ['d']]);
    expect(plan[1]!.remove.map((s) => s.id)).toEqual(['a']);
    expect(() => planForget(list, {})).toThrow(/No retention rule/);
    expect(() => planForget(list, { keepTags: ['x'] })).toThrow(/last snapshot/);
  });
});
