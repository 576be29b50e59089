/**
 * Acceptance: "Retention keeps exactly the snapshots the policy says, across a simulated year of
 * daily runs."
 *
 * A job with the `standard` preset (24 hourly, 7 daily, 4 weekly, 12 monthly, 3 yearly) backs up
 * every day at 02:00 UTC for a simulated year, 2025-03-01 … 2026-02-28 (365 days: a New Year, months
 * of 28 to 31 days, ISO weeks across months and years). A real backup takes a worker thread and
 * ~250 ms here, so 365 of them would not fit the time budget: the first 305 days are snapshots made
 * with the Repository API (one real backup on day 1, then the same tree saved with each later day's
 * time and the job's tag, as the job would have left them), and the last 60 days are real runs:
 * each day the job manager's clock moves to the slot, one file of the source changes, and the job
 * manager starts what is due (the scheduler's path: planJob, the per-repository queue, the real
 * runner: backup, retention, the monthly prune).
 *
 * Afterwards the snapshots left must be exactly those an independent oracle keeps (restic's rules,
 * written out here from restic's documentation and source, over the list of all 365 times), which
 * is also spelled out by hand; every real run must have removed exactly what the oracle over the
 * days so far no longer keeps; and the real restic binary, asked about a copy of the repository
 * taken right before the last run's retention, must decide the same (allowing for restic < 0.17,
 * which lacks the "keep the oldest snapshot while a count is left" rule).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../../../src/shared/jobs.ts';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { dateToNs, formatGoTime } from '../../../src/engine/repo/go-time.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { jobTag } from '../../../src/engine/jobs/runner.ts';
import { retentionPresets } from '../../../src/engine/jobs/retention.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import { hasRestic, resticOk, resticPath } from '../../helpers/restic.ts';
import { testService } from '../../helpers/test-service.ts';

const password = 'retention year password';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-retention-year-'));
const dataDir = path.join(root, 'data');
const repoDir = path.join(root, 'repo');
const copyDir = path.join(root, 'repo-before-last-retention');
const source = path.join(root, 'source');
const hour = 3_600_000;
const day = 24 * hour;
const days = 365;
/** Days made with the Repository API; the rest are real runs of the job. */
const seededDays = 305;
/** Day 0: 2025-03-01 02:00 UTC. Day 364: 2026-02-28 02:00 UTC. */
const firstSlot = Date.UTC(2025, 2, 1, 2, 0, 0);
const slotOf = (d: number): number => firstSlot + d * day;

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

// ---- the oracle: restic's forget rules, written out independently of src/engine/repo ----

interface OraclePolicy {
  hourly: number;
  daily: number;
  weekly: number;
  monthly: number;
  yearly: number;
}

const standard: OraclePolicy = { hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 3 };

/** ISO 8601 week of a UTC instant as "YYYY-Www": weeks start on Monday; week 1 holds 4 January. */
function isoWeekOf(t: Date): string {
  const midnight = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  const mondayBased = (new Date(midnight).getUTCDay() + 6) % 7;
  const thursday = new Date(midnight + (3 - mondayBased) * day);
  const isoYear = thursday.getUTCFullYear();
  const jan4 = Date.UTC(isoYear, 0, 4);
  const week1Thursday = jan4 + (3 - ((new Date(jan4).getUTCDay() + 6) % 7)) * day;
  const week = 1 + Math.round((thursday.getTime() - week1Thursday) / (7 * day));
  return `${isoYear}-W${String(week).padStart(2, '0')}`;
}

const bucketOf: Record<keyof OraclePolicy, (t: Date) => string> = {
  hourly: (t) => t.toISOString().slice(0, 13),
  daily: (t) => t.toISOString().slice(0, 10),
  weekly: isoWeekOf,
  monthly: (t) => t.toISOString().slice(0, 7),
  yearly: (t) => t.toISOString().slice(0, 4),
};

/**
 * The times restic keeps (buckets in UTC). Going from the newest snapshot to the oldest, each rule
 * keeps a snapshot when it opens a new bucket (hour, day, ISO week, month, year) and the rule still
 * has a count left: buckets are counted among the snapshots that exist, from the newest, and each
 * keeps its newest snapshot. restic ≥ 0.17 also keeps the oldest snapshot for a rule with a count left.
 */
function oracleKeeps(times: readonly number[], policy: OraclePolicy, keepOldest: boolean): Set<number> {
  const newestFirst = [...times].sort((a, b) => b - a);
  const left = { ...policy };
  const lastBucket: Partial<Record<keyof OraclePolicy, string>> = {};
  const kept = new Set<number>();
  newestFirst.forEach((t, i) => {
    const oldest = i === newestFirst.length - 1;
    for (const rule of Object.keys(policy) as (keyof OraclePolicy)[]) {
      if (left[rule] === 0) continue;
      const bucket = bucketOf[rule](new Date(t));
      if (bucket === lastBucket[rule] && !(keepOldest && oldest)) continue;
      kept.add(t);
      lastBucket[rule] = bucket;
      if (left[rule] > 0) left[rule]--;
    }
  });
  return kept;
}

function resticVersion(): { major: number; minor: number } {
  const out = execFileSync(resticPath!, ['version'], { encoding: 'utf8' });
  const m = /restic (\d+)\.(\d+)/.exec(out);
  return { major: Number(m?.[1] ?? 0), minor: Number(m?.[2] ?? 0) };
}

const iso = (t: number): string => new Date(t).toISOString();
const sorted = (values: Iterable<string>): string[] => [...values].sort();

// ---- the year ----

describe('retention across a simulated year of daily runs (standard preset)', () => {
  // ~18 s on an idle 2-core machine; the limit only guards against a hang on a loaded one.
  it(
    'keeps exactly the snapshots restic’s rules keep, run after run, and restic agrees',
    { timeout: 180_000 },
    async () => {
      const started = performance.now();
      expect(retentionPresets.standard).toEqual({
        keepHourly: standard.hourly,
        keepDaily: standard.daily,
        keepWeekly: standard.weekly,
        keepMonthly: standard.monthly,
        keepYearly: standard.yearly,
      });
      mkdirSync(source, { recursive: true });
      writeFileSync(path.join(source, 'contacts.csv'), 'id,name\n1,Иван\n2,Мария\n');
      writeFileSync(path.join(source, 'today.txt'), 'day 0\n');
      await Repository.init(new LocalBackend(repoDir), password, { kdf: fastKdf });

      let clock = slotOf(seededDays) - hour;
      const finished: JobRun[] = [];
      const { service } = testService({
        dataDir,
        runHooks: [{ onRunFinished: (run) => void finished.push(run) }],
        jobs: {
          now: () => new Date(clock),
          runner: { retry: { retries: 0, baseMs: 1, maxMs: 1 }, lock: { settleMs: 0 }, workers: 1 },
        },
      });
      const job = await service.saveJob({
        job: {
          name: 'CRM',
          sources: [{ kind: 'folder', path: source, excludes: [] }],
          destination: { location: { kind: 'local', path: repoDir } },
          schedule: { kind: 'daily', at: '02:00', timezone: 'UTC' },
          retention: { kind: 'preset', preset: 'standard' },
          pruneEvery: 'monthly',
          checks: { afterBackup: false, readData: { every: 'never', percent: 10 } },
          drill: { enabled: false, every: 'monthly', sampleFiles: 10 },
        },
        password,
      });
      const tag = jobTag(job.id);

      /** snapshot id → its simulated time */
      const timeOf = new Map<string, number>();

      // Days 0…304: one real backup, then the same tree saved under each later day's time.
      const seeding = await Repository.open(new LocalBackend(repoDir), password);
      const first = await backup(seeding, {
        paths: [source],
        tags: [tag],
        time: new Date(slotOf(0)),
        workers: 1,
      });
      timeOf.set(first.snapshotId!, slotOf(0));
      const { id: _firstId, ...template } = await seeding.loadSnapshot(first.snapshotId!);
      for (let d = 1; d < seededDays; d++) {
        const id = await seeding.saveSnapshot({
          ...template,
          time: formatGoTime(dateToNs(new Date(slotOf(d)))),
        });
        timeOf.set(id, slotOf(d));
      }
      expect(await seeding.listSnapshots({ tags: [tag] })).toHaveLength(seededDays);
      const seeded = performance.now();

      // Right after the last backup and before its retention: a copy of the repository for restic.
      let current = 0;
      service.on('log', (line) => {
        if (current === days - 1 && /^Snapshot [0-9a-f]{8} saved/.test(line.message)) {
          cpSync(repoDir, copyDir, { recursive: true });
        }
      });

      // Days 305…364: the job runs by itself every day at 02:00.
      for (current = seededDays; current < days; current++) {
        clock = slotOf(current);
        writeFileSync(path.join(source, 'today.txt'), `day ${current}: ${iso(clock)}\n`);
        expect(await service.jobManager.startDue(), iso(clock)).toEqual([job.id]);
        await service.jobManager.idle();
        const run = finished[finished.length - 1]!;
        expect(run, iso(clock)).toMatchObject({
          status: 'ok',
          trigger: 'schedule',
          scheduledFor: iso(clock),
        });
        timeOf.set(run.snapshotId!, clock);
        expect(await service.jobManager.startDue()).toEqual([]); // nothing more that day
      }
      const simulated = performance.now();
      expect(finished).toHaveLength(days - seededDays);
      // The monthly prune ran on the first real day and 30 days later.
      expect(finished.filter((r) => r.steps.prune?.status === 'ok')).toHaveLength(2);

      const repo = await Repository.open(new LocalBackend(repoDir), password);
      const left = await repo.listSnapshots({ tags: [tag] });
      // Every snapshot carries its simulated day (the job's clock), real runs included.
      for (const s of left) expect(Date.parse(s.time), s.id).toBe(timeOf.get(s.id));
      const keptTimes = sorted(left.map((s) => iso(Date.parse(s.time))));

      const allTimes = Array.from({ length: days }, (_, d) => slotOf(d));
      expect(keptTimes).toEqual(sorted([...oracleKeeps(allTimes, standard, true)].map(iso)));

      // The same set by hand, so the oracle is seen to say what the policy means: the 24 newest days
      // ("24 hourly" with one snapshot a day keeps the 24 newest; the 7 daily and 4 weekly fall among
      // them), the last day of each of the 11 months before (12 monthly with February), the last
      // day of 2025 (yearly; also a month end), and the oldest snapshot, kept because "3 yearly" still
      // had a count left when it got there.
      const newest24 = Array.from({ length: 24 }, (_, i) => iso(slotOf(days - 1 - i)).slice(0, 10));
      expect([newest24[0], newest24[23]]).toEqual(['2026-02-28', '2026-02-05']);
      const monthEnds = ['2026-01-31', '2025-12-31', '2025-11-30', '2025-10-31', '2025-09-30', '2025-08-31'];
      monthEnds.push('2025-07-31', '2025-06-30', '2025-05-31', '2025-04-30', '2025-03-31');
      expect(keptTimes.map((t) => t.slice(0, 10))).toEqual(sorted([...newest24, ...monthEnds, '2025-03-01']));
      expect(keptTimes).toHaveLength(36);

      // Every other snapshot was removed by a run's retention, once, and the history says by which.
      const forgotten = finished.flatMap((r) => r.forgotten);
      expect(new Set(forgotten).size).toBe(forgotten.length);
      expect(forgotten).toHaveLength(days - 36);
      expect(new Set([...forgotten, ...left.map((s) => s.id)])).toEqual(new Set(timeOf.keys()));
      // Run after run, each removed exactly what the oracle over the days until then stopped keeping.
      let keptBefore = new Set(allTimes.slice(0, seededDays));
      for (const [i, run] of finished.entries()) {
        const keep = oracleKeeps(allTimes.slice(0, seededDays + i + 1), standard, true);
        const removed = sorted(run.forgotten.map((id) => iso(timeOf.get(id)!)));
        expect(removed, run.scheduledFor!).toEqual(
          sorted([...keptBefore].filter((t) => !keep.has(t)).map(iso)),
        );
        keptBefore = keep;
      }

      // A year of forgets and prunes left a sound repository.
      expect((await checkRepository(repo, { readData: true })).errors).toEqual([]);
      await service.close();

      // restic, asked what it would keep of the repository as the last retention found it.
      let resticNote = 'restic not installed: its comparison skipped';
      if (hasRestic) {
        expect(readdirSync(path.join(copyDir, 'locks'))).toEqual([]);
        const keepArgs = ['--keep-hourly', '24', '--keep-daily', '7', '--keep-weekly', '4'];
        keepArgs.push('--keep-monthly', '12', '--keep-yearly', '3');
        const out = await resticOk(
          copyDir,
          ['forget', '--dry-run', '--json', '--tag', tag, '--group-by', '', ...keepArgs],
          { password, env: { TZ: 'UTC' } },
        );
        const groups = JSON.parse(out) as { keep: { id: string }[]; remove: { id: string }[] | null }[];
        expect(groups).toHaveLength(1);
        const theirKeep = groups[0]!.keep.map((s) => s.id);
        const theirRemove = (groups[0]!.remove ?? []).map((s) => s.id);
        const lastRun = finished[finished.length - 1]!;
        const seen = [...theirKeep, ...theirRemove].map((id) => timeOf.get(id));
        expect(seen).not.toContain(undefined);
        // What the last retention saw: what it kept plus what it removed.
        expect(sorted([...theirKeep, ...theirRemove])).toEqual(
          sorted([...left.map((s) => s.id), ...lastRun.forgotten]),
        );

        const { major, minor } = resticVersion();
        const modern = major > 0 || minor >= 17;
        expect(sorted(theirKeep.map((id) => iso(timeOf.get(id)!)))).toEqual(
          sorted([...oracleKeeps(seen as number[], standard, modern)].map(iso)),
        );
        const oldestId = [...timeOf].find(([, t]) => t === slotOf(0))![0];
        const ours = left.map((s) => s.id);
        if (modern) {
          expect(sorted(theirKeep)).toEqual(sorted(ours));
          expect(sorted(theirRemove)).toEqual(sorted(lastRun.forgotten));
        } else {
          // Older restic removes the oldest snapshot (nothing else differs).
          expect(sorted(theirKeep)).toEqual(sorted(ours.filter((id) => id !== oldestId)));
          expect(sorted(theirRemove)).toEqual(sorted([...lastRun.forgotten, oldestId]));
        }
        resticNote = `restic ${major}.${minor} kept ${theirKeep.length}, would remove ${theirRemove.length}`;
      }
      console.log(
        `seeded ${seededDays} days in ${Math.round(seeded - started)} ms; ${days - seededDays} real daily runs in ` +
          `${Math.round(simulated - seeded)} ms; checks ${Math.round(performance.now() - simulated)} ms; ${resticNote}`,
      );
    },
  );
});
