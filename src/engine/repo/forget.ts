/**
 * `restic forget`: apply a retention policy per snapshot group and delete the snapshot files that
 * are not kept. Only snapshot files go; their data stays until `prune`. Runs under an exclusive
 * lock, as restic's forget does, so it never races a prune or another forget.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { planForget } from './forget-policy.ts';
import type { ForgetPolicy, GroupBy, SnapshotGroup, TimeZone } from './forget-policy.ts';
import { nsToDate, parseGoTime } from './go-time.ts';
import { withLock } from './lock.ts';
import type { LockOptions } from './lock.ts';
import type { Repository } from './repository.ts';
import type { SnapshotWithId } from './snapshot.ts';

export interface ForgetOptions {
  policy: ForgetPolicy;
  /** restic's default: host and paths. */
  groupBy?: GroupBy;
  /** Only consider snapshots with all of these tags. */
  tags?: string[];
  /** Only consider snapshots of this host. */
  host?: string;
  /** Only consider snapshots that include all of these paths. */
  paths?: string[];
  /** Decide and report, but delete nothing. */
  dryRun?: boolean;
  /** Clock for keep-within rules (default: now). */
  now?: Date;
  /** Wall-clock zone for hourly/daily/… buckets (default: the machine's local zone, like restic). */
  timeZone?: TimeZone;
  /** Lock tuning (tests shorten the settle pause). */
  lock?: Pick<LockOptions, 'settleMs' | 'refreshMs'>;
}

export interface ForgetKept {
  id: string;
  time: string;
  reasons: string[];
}

export interface ForgetRemoved {
  id: string;
  time: string;
}

export interface ForgetGroup {
  key: SnapshotGroup<unknown>['key'];
  keep: ForgetKept[];
  remove: ForgetRemoved[];
}

export interface ForgetResult {
  groups: ForgetGroup[];
  /** Snapshot ids whose files were deleted (empty on a dry run). */
  removed: string[];
}

interface PolicyInput {
  id: string;
  time: Date;
  tags: string[];
  hostname: string;
  paths: string[];
  sn: SnapshotWithId;
}

export async function forget(repo: Repository, opts: ForgetOptions): Promise<ForgetResult> {
  if (!opts || typeof opts.policy !== 'object' || opts.policy === null) {
    throw new LifeboatError('INVALID_ARGUMENT', 'A retention policy is required.');
  }
  return withLock(repo, { exclusive: true, ...opts.lock }, async () => {
    // Read the snapshots only once we hold the lock, so a backup that just finished is included.
    const snapshots = await repo.listSnapshots({
      ...(opts.host !== undefined ? { hostname: opts.host } : {}),
      ...(opts.tags ? { tags: opts.tags } : {}),
      ...(opts.paths ? { paths: opts.paths } : {}),
    });
    const inputs: PolicyInput[] = snapshots.map((sn) => ({
      id: sn.id,
      time: nsToDate(parseGoTime(sn.time)),
      tags: sn.tags ?? [],
      hostname: sn.hostname ?? '',
      paths: sn.paths,
      sn,
    }));
    // planForget refuses an empty policy and a group that would lose every snapshot.
    const plan = planForget(inputs, opts.policy, {
      ...(opts.groupBy ? { groupBy: opts.groupBy } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
    });
    const groups: ForgetGroup[] = plan.map((g) => ({
      key: g.key,
      keep: g.keep.map((k) => ({ id: k.snapshot.id, time: k.snapshot.sn.time, reasons: k.reasons })),
      remove: g.remove.map((s) => ({ id: s.id, time: s.sn.time })),
    }));
    const removed: string[] = [];
    if (!opts.dryRun) {
      for (const g of groups) {
        for (const s of g.remove) {
          await repo.removeSnapshot(s.id);
          removed.push(s.id);
        }
      }
    }
    return { groups, removed };
  });
}
