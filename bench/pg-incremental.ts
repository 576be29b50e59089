/**
 * Incremental backups of a PostgreSQL database through the real backup path: a ~1 GB CRM-like
 * database (generated inside PostgreSQL with generate_series), a first backup, 1% of the rows
 * changed, a second backup. Prints what the second backup added to the repository as a share of the
 * dump, and the times; restic backs up the same dump stream (`pg_dump | restic backup --stdin`) for
 * comparison. Not part of the test suite.
 *
 *   npx node bench/pg-incremental.ts [--rows 3400000] [--scattered]
 *
 * The change is what a CRM does in a day: the most recently created 1% of contacts edited (PostgreSQL
 * writes the new row versions at the end of the table, so the dump changes in two places). With
 * --scattered, 1% of rows all over the table are edited instead: every 1 MiB chunk of the dump then
 * changes, for restic as for us (content-defined chunking cannot help when every chunk has an edit).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backup } from '../src/engine/repo/backup/archiver.ts';
import type { BackupResult } from '../src/engine/repo/backup/archiver.ts';
import { Repository } from '../src/engine/repo/repository.ts';
import { streamSourceOf } from '../src/engine/sources/job-sources.ts';
import { LocalBackend } from '../src/engine/storage/local-backend.ts';
import { startPostgres } from '../tests/helpers/db-servers.ts';

const args = process.argv.slice(2);
const rows = Number(args[args.indexOf('--rows') + 1] ?? 0) || 3_400_000; // ~1 GB of plain dump
const scattered = args.includes('--scattered');
const work = mkdtempSync(path.join(process.env.LIFEBOAT_BENCH_DIR ?? os.tmpdir(), 'lb-pg-bench-'));
const password = 'bench-password';
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(2)}%`;

const seconds = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const value = await fn();
  return [value, (performance.now() - t) / 1000];
};

const pg = await startPostgres();
try {
  const url = `postgres://${pg.user}@127.0.0.1:${pg.port}/crm`;
  await pg.query('CREATE DATABASE crm;');
  console.log(
    `generating ${rows.toLocaleString('en')} contacts and ${(rows / 4).toLocaleString('en')} deals…`,
  );
  const [, genSeconds] = await seconds(() =>
    pg.query(
      `CREATE TABLE contacts (id bigint PRIMARY KEY, name text, email text, phone text, company text,
                              notes text, updated_at timestamptz NOT NULL DEFAULT '2026-01-01');
       INSERT INTO contacts (id, name, email, phone, company, notes)
         SELECT i, 'Contact ' || i, 'user' || i || '@example.com', '+7 900 ' || lpad((i % 10000000)::text, 7, '0'),
                'Company ' || (i % 5000), md5(i::text) || ' ' || md5((i * 7)::text) || ' ' || md5((i * 13)::text)
                  || ' ' || md5((i * 31)::text) || ' ' || md5((i * 57)::text) || ' ' || md5((i * 91)::text)
           FROM generate_series(1, ${rows}) i;
       CREATE TABLE deals (id bigint PRIMARY KEY, contact_id bigint, amount numeric(12,2), stage text);
       INSERT INTO deals SELECT i, 1 + (i * 13) % ${rows}, (i % 100000) / 100.0, (ARRAY['new','won','lost'])[1 + i % 3]
           FROM generate_series(1, ${Math.floor(rows / 4)}) i;
       ANALYZE;`,
      'crm',
    ),
  );
  const size = Number((await pg.query("SELECT pg_database_size('crm');")).trim());
  console.log(`database: ${mb(size)} on disk, generated in ${genSeconds.toFixed(1)} s`);

  const repoDir = path.join(work, 'lifeboat-repo');
  const repo = await Repository.init(new LocalBackend(repoDir), password, { kdf: { N: 4096, r: 8, p: 1 } });
  const run = () =>
    backup(repo, {
      paths: [],
      streams: [streamSourceOf({ kind: 'postgres', url }, { password: pg.password })],
    });

  const resticDir = path.join(work, 'restic-repo');
  const resticEnv = {
    ...process.env,
    RESTIC_PASSWORD: password,
    PGPASSWORD: pg.password,
    RESTIC_PROGRESS_FPS: '0',
  };
  const hasRestic = spawnSync('sh', ['-c', 'command -v restic']).status === 0;
  const pgDump = path.join(pg.binDir, 'pg_dump');
  const resticRun = (): { added: number; seconds: number } => {
    const cmd =
      `"${pgDump}" --format=plain --no-owner --no-privileges -h 127.0.0.1 -p ${pg.port} -U ${pg.user} crm | ` +
      `restic -r "${resticDir}" --no-cache backup --stdin --stdin-filename crm.sql --json`;
    const t = performance.now();
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], {
      env: resticEnv,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const secs = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`restic failed: ${r.stderr.slice(-2000)}`);
    const summary = r.stdout
      .split('\n')
      .map((l) => (l.trim() ? (JSON.parse(l) as { message_type?: string; data_added?: number }) : {}))
      .find((m) => m.message_type === 'summary');
    return { added: summary?.data_added ?? NaN, seconds: secs };
  };
  if (hasRestic) spawnSync('restic', ['-r', resticDir, 'init'], { env: resticEnv });

  const [first, firstSeconds] = await seconds(run);
  const dumpBytes = first.summary.total_bytes_processed;
  console.log(
    `lifeboat backup 1: dump ${mb(dumpBytes)} read in ${firstSeconds.toFixed(1)} s ` +
      `(${mb(dumpBytes / firstSeconds)}/s), added ${mb(first.summary.data_added)} (${mb(first.summary.data_added_packed)} stored)`,
  );
  const restic1 = hasRestic ? resticRun() : undefined;
  if (restic1) console.log(`restic  backup 1: ${restic1.seconds.toFixed(1)} s, added ${mb(restic1.added)}`);

  const changed = Math.floor(rows / 100);
  const where = scattered ? `id % 100 = 0` : `id > ${rows - changed}`;
  await pg.query(
    `UPDATE contacts SET notes = 'edited ' || notes, updated_at = '2026-02-01' WHERE ${where};
     UPDATE deals SET stage = 'won' WHERE contact_id > ${rows - changed};`,
    'crm',
  );
  console.log(
    `changed ${changed.toLocaleString('en')} contacts (1%, ${scattered ? 'scattered' : 'the newest'})`,
  );

  const [second, secondSeconds] = await seconds(run);
  const report = (name: string, r: BackupResult, secs: number) =>
    console.log(
      `${name} backup 2: ${secs.toFixed(1)} s, added ${mb(r.summary.data_added)} = ${pct(r.summary.data_added, r.summary.total_bytes_processed)} ` +
        `of the ${mb(r.summary.total_bytes_processed)} dump (${mb(r.summary.data_added_packed)} stored after compression)`,
    );
  report('lifeboat', second, secondSeconds);
  const restic2 = hasRestic ? resticRun() : undefined;
  if (restic2) {
    console.log(
      `restic  backup 2: ${restic2.seconds.toFixed(1)} s, added ${mb(restic2.added)} = ${pct(restic2.added, second.summary.total_bytes_processed)} of the dump`,
    );
  }
  const share = second.summary.data_added / second.summary.total_bytes_processed;
  console.log(
    share < 0.05
      ? 'OK: the second backup added less than 5% of the dump'
      : 'NOT OK: 5% or more of the dump was added',
  );
  if (!scattered && share >= 0.05) process.exitCode = 1;
} finally {
  await pg.stop();
  rmSync(work, { recursive: true, force: true });
}
