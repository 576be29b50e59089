import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job, JobRun } from '../../src/shared/jobs.ts';
import { hasPostgres, startPostgres } from '../helpers/db-servers.ts';
import { runCli, type CliResult } from '../helpers/run-cli.ts';

// `lifeboat job add` with database sources, as `lifeboat backup` takes them: the real command line in
// child processes, secrets in the encrypted secrets file; the database password from the environment
// goes to that store (never the jobs file), and `job run` finds it there without the environment.

const password = 'job databases test';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lb-cli-job-db-'));
const home = path.join(tmp, 'home');
const repo = path.join(tmp, 'repo');
const secretEnv = { LIFEBOAT_SECRETS: 'file', LIFEBOAT_SECRETS_PASSPHRASE: 'office passphrase' };
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop().catch(() => undefined);
});

const lb = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  runCli(args, {
    env: {
      LIFEBOAT_HOME: home,
      LIFEBOAT_PASSWORD: '',
      LIFEBOAT_DB_PASSWORD: '',
      PGPASSWORD: '',
      ...secretEnv,
      ...extra,
    },
  });
const json = <T>(r: CliResult): T => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};
const homeFiles = (): string[] =>
  readdirSync(home, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'));

describe('lifeboat job add with database sources', () => {
  it('a SQLite database and a folder in one job; run, and the copy is in the snapshot', async () => {
    const dbFile = path.join(tmp, 'crm.db');
    const db = new DatabaseSync(dbFile);
    db.exec(
      "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO contacts (name) VALUES ('Иван'), ('Anna');",
    );
    db.close();
    const folder = path.join(tmp, 'uploads');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'a.txt'), 'attachment');
    expect((await lb(['--repo', repo, 'init'], { LIFEBOAT_PASSWORD: password })).code).toBe(0);

    const job = json<Job>(
      await lb(
        [
          'job',
          'add',
          '--repo',
          repo,
          '--name',
          'SQLite CRM',
          '--source',
          `sqlite:${dbFile}`,
          '--source',
          folder,
          '--manual',
          '--json',
        ],
        { LIFEBOAT_PASSWORD: password },
      ),
    );
    expect(job.sources).toEqual([
      { kind: 'sqlite', path: dbFile },
      { kind: 'folder', path: folder, excludes: [] },
    ]);
    const run = json<JobRun>(await lb(['job', 'run', job.id, '--json']));
    expect(run.status, JSON.stringify(run.error)).toBe('ok');
    const ls = await lb(['--repo', repo, 'ls', run.snapshotId!], { LIFEBOAT_PASSWORD: password });
    expect(ls.stdout).toContain('/sqlite/crm.db');
    expect(ls.stdout).toContain(path.join(folder, 'a.txt'));
  }, 60_000);

  it('a password written in the address is refused', async () => {
    const r = await lb(
      [
        'job',
        'add',
        '--repo',
        repo,
        '--name',
        'Bad',
        '--source',
        'postgres://crm:secret@127.0.0.1:5432/crm',
        '--manual',
      ],
      { LIFEBOAT_PASSWORD: password },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/must not be written in the address/);
  });

  it.skipIf(!hasPostgres)(
    'a PostgreSQL source: its password from LIFEBOAT_DB_PASSWORD is kept in the secrets store, and the run uses it',
    async () => {
      const pg = await startPostgres();
      stops.push(() => pg.stop());
      await pg.query('CREATE DATABASE shop; ', 'postgres');
      await pg.query(
        'CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders VALUES (1, 10), (2, 20);',
        'shop',
      );
      const url = `postgres://${pg.user}@127.0.0.1:${pg.port}/shop`;
      const job = json<Job>(
        await lb(['job', 'add', '--repo', repo, '--name', 'Shop', '--source', url, '--manual', '--json'], {
          LIFEBOAT_PASSWORD: password,
          LIFEBOAT_DB_PASSWORD: pg.password,
        }),
      );
      expect(job.sources).toEqual([
        { kind: 'postgres', host: '127.0.0.1', port: pg.port, user: pg.user, database: 'shop' },
      ]);
      for (const text of homeFiles()) expect(text).not.toContain(pg.password);

      const run = json<JobRun>(await lb(['job', 'run', job.id, '--json']));
      expect(run.status, JSON.stringify(run.error)).toBe('ok');
      const ls = await lb(['--repo', repo, 'ls', run.snapshotId!], { LIFEBOAT_PASSWORD: password });
      expect(ls.stdout).toContain('/postgres/shop.sql');
    },
    120_000,
  );
});
