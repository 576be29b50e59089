/**
 * Databases on the command line: `lifeboat backup sqlite:FILE` while a program keeps writing, and
 * `--include /sqlite/…` restores with an integrity check; `lifeboat backup postgres://…` and
 * `restore --to-database` into a new database (an existing one only with --overwrite-database);
 * passwords never on the command line; clear errors.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres, startPostgres } from '../helpers/db-servers.ts';
import type { DbServer } from '../helpers/db-servers.ts';
import { hasRestic, resticPath } from '../helpers/restic.ts';
import { runCli } from '../helpers/run-cli.ts';
import { crmChangesSql, crmSchemaSql, tableState } from '../engine/sources/crm-fixture.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'lb-cli-sources-'));
const repoPassword = 'cli sources test';
const accounts = 20;
const start = 1000;

function cli(repo: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(['--repo', repo, ...args], { env: { LIFEBOAT_PASSWORD: repoPassword, ...env } });
}

/** Moves money between two tables until killed; prints "ready" after its first commit. */
const writerScript = `
import { DatabaseSync } from 'node:sqlite';
const db = new DatabaseSync(process.argv[2], { timeout: 10000 });
const pause = new Int32Array(new SharedArrayBuffer(4));
for (let i = 0; ; i++) {
  Atomics.wait(pause, 0, 0, 1);
  const n = 1 + (i % 17);
  db.exec('BEGIN IMMEDIATE');
  db.prepare('UPDATE bank SET balance = balance - ? WHERE id = ?').run(n, 1 + (i % ${accounts}));
  db.prepare('UPDATE wallet SET balance = balance + ? WHERE id = ?').run(n, 1 + ((i * 7) % ${accounts}));
  db.prepare('INSERT INTO log (note) VALUES (?)').run('moved ' + n + ' ' + 'x'.repeat(200));
  db.exec('COMMIT');
  if (i === 0) process.stdout.write('ready\\n');
}
`;

function startWriter(file: string): Promise<ChildProcessWithoutNullStreams> {
  const script = path.join(root, 'writer.mjs');
  writeFileSync(script, writerScript);
  const child = spawn(process.execPath, [script, file], { stdio: 'pipe' });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`writer exited ${String(code)}`)));
  });
}

describe('lifeboat backup/restore with a SQLite database', () => {
  const repo = path.join(root, 'repo-sqlite');
  const file = path.join(root, 'crm.db');

  beforeAll(async () => {
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA journal_mode = wal;
      CREATE TABLE bank (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
      CREATE TABLE wallet (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
      CREATE TABLE log (id INTEGER PRIMARY KEY, note TEXT);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${accounts})
        INSERT INTO bank SELECT i, ${start} FROM n;
      INSERT INTO wallet SELECT id, balance FROM bank;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
        INSERT INTO log (note) SELECT printf('%.300c', 'n') FROM n;`);
    db.close();
    const init = await cli(repo, ['init']);
    expect(init.code, init.stderr).toBe(0);
  });

  it('backs up consistently while a program writes, restores with an integrity check, and restic agrees', async () => {
    const writer = await startWriter(file);
    let backedUp;
    try {
      backedUp = await cli(repo, ['backup', `sqlite:${file}`, '--json']);
    } finally {
      writer.kill('SIGKILL');
    }
    expect(backedUp.code, backedUp.stderr).toBe(0);
    const snapshotId = (JSON.parse(backedUp.stdout) as { snapshotId: string }).snapshotId;

    const target = path.join(root, 'restored');
    const restored = await cli(repo, [
      'restore',
      'latest',
      '--include',
      '/sqlite/crm.db',
      '--target',
      target,
    ]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr + restored.stdout).toMatch(/crm\.db: integrity check ok/);
    const copy = path.join(target, 'sqlite', 'crm.db');
    const db = new DatabaseSync(copy, { readOnly: true });
    const { total } = db
      .prepare('SELECT (SELECT SUM(balance) FROM bank) + (SELECT SUM(balance) FROM wallet) AS total')
      .get() as { total: number };
    db.close();
    expect(total).toBe(2 * accounts * start);

    if (hasRestic) {
      const r = spawnSync(resticPath!, ['-r', repo, '--no-cache', 'dump', snapshotId, '/sqlite/crm.db'], {
        env: { ...process.env, RESTIC_PASSWORD: repoPassword },
        maxBuffer: 256 * 1024 * 1024,
      });
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(r.stdout.equals(readFileSync(copy))).toBe(true);
    }
  }, 60_000);

  it('a damaged SQLite copy fails the restore with RESTORE_FAILED', async () => {
    const bad = path.join(root, 'bad');
    const broken = path.join(bad, 'sqlite', 'crm.db');
    // a restore into a folder that already holds a damaged copy: the existing file is left alone and checked
    await cli(repo, ['restore', 'latest', '--include', '/sqlite/crm.db', '--target', bad]);
    const bytes = readFileSync(broken);
    bytes.fill(0x55, 4096, 8192);
    writeFileSync(broken, bytes);
    const again = await cli(repo, ['restore', 'latest', '--include', '/sqlite/crm.db', '--target', bad]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/is damaged/);
  }, 30_000);
});

describe.skipIf(!hasPostgres)('lifeboat backup/restore with PostgreSQL', () => {
  let pg: DbServer;
  const repo = path.join(root, 'repo-pg');
  const url = (db: string) => `postgres://${pg.user}@127.0.0.1:${pg.port}/${db}`;

  beforeAll(async () => {
    pg = await startPostgres();
    await pg.query('CREATE DATABASE crm;');
    await pg.query(crmSchemaSql('postgres'), 'crm');
    const init = await cli(repo, ['init']);
    expect(init.code, init.stderr).toBe(0);
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it('backs up twice, restores the first into a new database, and replaces one only when told to', async () => {
    const env = { LIFEBOAT_DB_PASSWORD: pg.password };
    const first = await cli(repo, ['backup', url('crm'), '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const firstId = (JSON.parse(first.stdout) as { snapshotId: string }).snapshotId;
    const firstState = await tableState(pg, 'crm');
    await pg.query(crmChangesSql('postgres'), 'crm');
    expect((await cli(repo, ['backup', url('crm')], env)).code).toBe(0);

    const restore = (to: string, extra: string[] = []) =>
      cli(repo, ['restore', firstId, '--include', '/postgres/crm', '--to-database', url(to), ...extra], env);
    const r1 = await restore('crm_from_cli');
    expect(r1.code, r1.stderr).toBe(0);
    expect(await tableState(pg, 'crm_from_cli')).toEqual(firstState);

    const refused = await restore('crm');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists/i);
    expect(await tableState(pg, 'crm')).not.toEqual(firstState);
    const replaced = await restore('crm', ['--overwrite-database']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(await tableState(pg, 'crm')).toEqual(firstState);
  }, 120_000);

  it('never takes a password from the command line, and says when it is wrong', async () => {
    const inline = await cli(repo, ['backup', `postgres://${pg.user}:secret@127.0.0.1:${pg.port}/crm`]);
    expect(inline.code).toBe(1);
    expect(inline.stderr).toMatch(/must not be written in the address/);
    const wrong = await cli(repo, ['backup', url('crm')], { LIFEBOAT_DB_PASSWORD: 'nope' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/password/i);
    expect(wrong.stderr).not.toContain('nope');
  }, 60_000);
});
