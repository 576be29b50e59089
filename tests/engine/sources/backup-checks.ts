/**
 * Checks the database backup tests (PostgreSQL, MariaDB) make the same way: a dump taken while money
 * moves restores balanced, and restic reads the very bytes our snapshot holds.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { backup, type StreamSource } from '../../../src/engine/repo/backup/archiver.ts';
import type { Repository } from '../../../src/engine/repo/repository.ts';
import {
  restoreDatabaseFromSnapshot,
  snapshotFileStream,
  snapshotFolderFiles,
} from '../../../src/engine/sources/snapshot-restore.ts';
import { readAll } from '../../../src/engine/sources/tools/run-tool.ts';
import type { DbServer } from '../../helpers/db-servers.ts';
import { resticPath } from '../../helpers/restic.ts';
import { accounts, startBalance, startWriter, totalMoney, waitUntil } from './crm-fixture.ts';

/**
 * Backs up `stream` (a dump of `database`) while a writer moves money between its accounts, restores
 * the snapshot into `<database>_restored` and expects the money's total unchanged.
 */
export async function expectDumpUnderLoadBalanced(
  server: DbServer,
  repo: Repository,
  database: string,
  stream: StreamSource,
  restore: { to: string; password: string },
): Promise<void> {
  const writer = startWriter(server, database);
  let snapshotId: string | null;
  try {
    await waitUntil(() => writer.sent > 200);
    ({ snapshotId } = await backup(repo, { paths: [], streams: [stream] }));
  } finally {
    await writer.stop();
  }
  const sn = await repo.resolveSnapshot(snapshotId!);
  await restoreDatabaseFromSnapshot(repo, sn, { include: stream.path, ...restore });
  expect(await totalMoney(server, `${database}_restored`)).toBe(2 * accounts * startBalance);
}

/**
 * Backs up `stream` alone into the repository at `dir`; `restic dump` of the dump file must give the
 * same bytes our reader gives. Returns the snapshot and those bytes (for the caller's look at them).
 */
export async function expectResticDumpsOurBytes(
  repo: Repository,
  dir: string,
  password: string,
  stream: StreamSource,
): Promise<{ snapshotId: string; bytes: Buffer }> {
  const { snapshotId } = await backup(repo, { paths: [], streams: [stream] });
  const sn = await repo.resolveSnapshot(snapshotId!);
  const file = stream.path.slice(1); // '/postgres/crm.sql' → 'postgres/crm.sql'
  const node = (await snapshotFolderFiles(repo, sn, file.split('/')[0]!)).get(file)!;
  const ours = await readAll(snapshotFileStream(repo, node));
  const dumped = spawnSync(resticPath!, ['-r', dir, '--no-cache', 'dump', snapshotId!, stream.path], {
    env: { ...process.env, RESTIC_PASSWORD: password },
    maxBuffer: 256 * 1024 * 1024,
  });
  expect(dumped.status, dumped.stderr.toString()).toBe(0);
  expect(dumped.stdout.equals(ours)).toBe(true);
  return { snapshotId: snapshotId!, bytes: ours };
}
