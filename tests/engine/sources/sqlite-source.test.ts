/**
 * SQLite source: consistent copies of a database another process keeps writing to (WAL and rollback
 * journal; in-memory and temp-file copies), restore into a new file or over a live database, and
 * the errors a user can meet.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { createSqliteSource } from '../../../src/engine/sources/sqlite/sqlite-source.ts';
import { collect, memoryInput } from './crm-fixture.ts';

const accounts = 20;
const start = 1000;

/** Moves money between two tables in a loop until killed; prints "ready" after its first commit. */
const writerScript = `
import { DatabaseSync } from 'node:sqlite';
const db = new DatabaseSync(process.argv[2], { timeout: 10000 });
const tx = (a, b, n) => {
  db.exec('BEGIN IMMEDIATE');
  db.prepare('UPDATE bank SET balance = balance - ? WHERE id = ?').run(n, a);
  db.prepare('UPDATE wallet SET balance = balance + ? WHERE id = ?').run(n, b);
  db.prepare('INSERT INTO log (at, note) VALUES (?, ?)').run(Date.now(), 'moved ' + n + ' ' + 'x'.repeat(200));
  db.exec('COMMIT');
};
// A 1 ms pause per transaction: still ~500 commits a second, but in rollback-journal mode a reader
// can get its shared lock between commits (a writer in a tight loop starves readers for seconds).
const pause = new Int32Array(new SharedArrayBuffer(4));
let i = 0;
for (;;) {
  Atomics.wait(pause, 0, 0, 1);
  const n = 1 + (i % 17);
  if (i % 2) tx(1 + (i % ${accounts}), 1 + ((i * 7) % ${accounts}), n);
  else tx(1 + ((i * 3) % ${accounts}), 1 + ((i * 5) % ${accounts}), -n);
  if (++i === 1) process.stdout.write('ready\\n');
}
`;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lifeboat-sqlite-test-'));
  await writeFile(path.join(dir, 'writer.mjs'), writerScript);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function createCrmDb(file: string, journal: 'wal' | 'delete'): void {
  const db = new DatabaseSync(file);
  db.exec(`PRAGMA journal_mode = ${journal};
    CREATE TABLE bank (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
    CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, notes TEXT);
    CREATE TABLE log (id INTEGER PRIMARY KEY, at INTEGER, note TEXT);
    CREATE TABLE wallet (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${accounts})
      INSERT INTO bank SELECT i, ${start} FROM n;
    INSERT INTO wallet SELECT id, balance FROM bank;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
      INSERT INTO contacts SELECT i, 'Контакт ' || i, printf('%.300c', 'n') FROM n;`);
  db.close();
}

function startWriter(file: string): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(process.execPath, [path.join(dir, 'writer.mjs'), file], { stdio: 'pipe' });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`writer exited ${String(code)}: ${err}`)));
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }
  });
}

/** Opens a copy: integrity_check must say ok, and the money must add up. Returns the log length. */
function checkCopy(file: string): number {
  const db = new DatabaseSync(file);
  try {
    expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    const { total } = db
      .prepare('SELECT (SELECT SUM(balance) FROM bank) + (SELECT SUM(balance) FROM wallet) AS total')
      .get() as { total: number };
    expect(total).toBe(2 * accounts * start);
    return (db.prepare('SELECT COUNT(*) AS n FROM log').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('SQLite source', () => {
  for (const [journal, method, memoryLimitBytes] of [
    ['wal', 'memory', undefined],
    ['delete', 'file', 0],
    ['wal', 'file', 0],
  ] as const) {
    it(`copies a database under concurrent writes consistently (${journal} journal, ${method} copy)`, async () => {
      const file = path.join(dir, `crm-${journal}-${method}.db`);
      const tempDir = await mkdtemp(path.join(dir, 'tmp-'));
      createCrmDb(file, journal);
      const source = createSqliteSource(
        { kind: 'sqlite', path: file },
        { tempDir, ...(memoryLimitBytes === undefined ? {} : { memoryLimitBytes }) },
      );
      const writer = await startWriter(file);
      const seen: number[] = [];
      try {
        for (let round = 0; round < 5; round++) {
          const dump = await collect(source);
          expect([...dump.files.keys()]).toEqual([`sqlite/crm-${journal}-${method}.db`]);
          const copy = path.join(dir, `copy-${journal}-${method}-${round}.db`);
          await writeFile(copy, [...dump.files.values()][0]!);
          seen.push(checkCopy(copy));
          await new Promise((r) => setTimeout(r, 30));
        }
      } finally {
        await stop(writer);
      }
      // The writer really ran across the copies, and no copy left a temp file behind.
      expect(new Set(seen).size).toBeGreaterThan(1);
      expect(seen.at(-1)).toBeGreaterThan(seen[0]!);
      expect(await readdir(tempDir)).toEqual([]);
      const live = checkCopy(file);
      expect(live).toBeGreaterThanOrEqual(seen.at(-1)!);
    });
  }

  it('restores into a new file by default, and over a live database only when confirmed', async () => {
    const file = path.join(dir, 'restore.db');
    createCrmDb(file, 'wal');
    const source = createSqliteSource({ kind: 'sqlite', path: file });
    const dump = await collect(source);

    const crm = new DatabaseSync(file); // the CRM keeps its connection open throughout
    crm.exec('UPDATE bank SET balance = 0; DELETE FROM contacts WHERE id > 10;');

    const r1 = await source.restore(memoryInput(dump.files));
    expect(r1.replaced).toBe(false);
    expect(path.dirname(r1.target)).toBe(dir);
    expect(path.basename(r1.target)).toMatch(/^restore\.restored-\d{8}_\d{6}\.db$/);
    checkCopy(r1.target);

    const refused = await source.restore(memoryInput(dump.files), { target: file }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LifeboatError);
    expect((refused as LifeboatError).code).toBe('DB_EXISTS');
    expect((crm.prepare('SELECT COUNT(*) AS n FROM contacts').get() as { n: number }).n).toBe(10);

    const r2 = await source.restore(memoryInput(dump.files), {
      target: file,
      overwrite: { confirmed: true },
    });
    expect(r2).toMatchObject({ target: file, replaced: true });
    // The CRM's open connection sees the restored data.
    expect((crm.prepare('SELECT COUNT(*) AS n FROM contacts').get() as { n: number }).n).toBe(20000);
    expect((crm.prepare('SELECT SUM(balance) AS s FROM bank').get() as { s: number }).s).toBe(
      accounts * start,
    );
    crm.close();
    checkCopy(file);
    expect((await readdir(dir)).filter((f) => f.includes('.lifeboat-'))).toEqual([]);
  });

  it('refuses a damaged copy at restore and leaves no file behind', async () => {
    const file = path.join(dir, 'damaged.db');
    createCrmDb(file, 'delete');
    const source = createSqliteSource({ kind: 'sqlite', path: file });
    const dump = await collect(source);
    const bytes = Buffer.from([...dump.files.values()][0]!);
    bytes.fill(0x5a, 4096 * 3, 4096 * 6); // garble some b-tree pages
    const target = path.join(dir, 'damaged-restore.db');
    const err = await source
      .restore(memoryInput(new Map([[[...dump.files.keys()][0]!, bytes]])), { target })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LifeboatError);
    expect((err as LifeboatError).code).toBe('RESTORE_FAILED');
    expect(
      (await readdir(dir)).filter((f) => f.startsWith('damaged-restore') || f.includes('.lifeboat-')),
    ).toEqual([]);
  });

  it('reports a missing file and a file that is not a database', async () => {
    const missing = createSqliteSource({ kind: 'sqlite', path: path.join(dir, 'nope.db') });
    const t = await missing.test();
    expect(t.ok ? '' : t.error.code).toBe('NOT_FOUND');
    const err = await collect(missing).catch((e: unknown) => e);
    expect((err as LifeboatError).code).toBe('NOT_FOUND');

    const text = path.join(dir, 'notes.db');
    await writeFile(
      text,
      'this is not a database, just some text that is long enough to look like a header'.repeat(20),
    );
    const bad = createSqliteSource({ kind: 'sqlite', path: text });
    const t2 = await bad.test();
    expect(t2.ok ? '' : t2.error.code).toBe('SOURCE_UNREADABLE');
    const err2 = await collect(bad).catch((e: unknown) => e);
    expect((err2 as LifeboatError).code).toBe('SOURCE_UNREADABLE');
  });
});
