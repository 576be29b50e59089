/**
 * restoreDatabase with a SQLite copy through the Service (no server needed): the preview suggests a new
 * file next to the original, the restore writes it checked and counted, an existing file is replaced
 * only when confirmed, and bad requests are typed errors. Also the contract's dump-path rules.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import { Service } from '../../../src/engine/service.ts';
import { MemorySettingsStore } from '../../../src/engine/settings/settings-store.ts';
import { dumpKindAndName } from '../../../src/engine/sources/database-restore.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { isDatabaseDumpPath, sourceOperations } from '../../../src/shared/sources.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'lb-restore-sqlite-'));
const original = path.join(root, 'crm.db');

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LifeboatError) return err.code;
    throw err;
  }
  throw new Error('expected a LifeboatError');
}

function rowsOf(file: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return Number((db.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

describe('restoreDatabase with a SQLite copy (Service)', () => {
  let service: Service;
  let ref: { repositoryId: string; snapshotId: string; path: string };

  beforeAll(async () => {
    const db = new DatabaseSync(original);
    db.exec(
      'CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE notes (id INTEGER PRIMARY KEY);',
    );
    const add = db.prepare('INSERT INTO contacts (name) VALUES (?)');
    for (let i = 0; i < 300; i++) add.run(`contact ${i}`);
    db.close();
    const repoDir = path.join(root, 'repo');
    await Repository.init(new LocalBackend(repoDir), 'pw', { kdf: fastKdf });
    const secrets = new MemorySecretStore();
    service = new Service({
      host: 'cli',
      dataDir: path.join(root, 'data'),
      settings: new MemorySettingsStore(),
      secrets: async () => secrets,
      notifications: { enabled: false },
      jobs: { runner: { retry: { retries: 0, baseMs: 1, maxMs: 1 }, lock: { settleMs: 0 }, workers: 1 } },
    });
    const job = await service.saveJob({
      job: {
        name: 'CRM',
        sources: [{ kind: 'sqlite', path: original }],
        destination: { location: { kind: 'local', path: repoDir } },
        schedule: { kind: 'manual' },
      },
      password: 'pw',
    });
    const run = await service.jobManager.start(job.id, 'manual', null).then((r) => r.done);
    expect(run.status, JSON.stringify(run.error)).toBe('ok');
    ref = { repositoryId: job.destination.repositoryId, snapshotId: run.snapshotId!, path: '/sqlite/crm.db' };
  }, 60_000);

  afterAll(async () => {
    await service?.close();
  });

  it('suggests a new file next to the original', async () => {
    const info = await service.previewDatabaseRestore(ref);
    expect(info).toMatchObject({ kind: 'sqlite', name: 'crm.db', server: null, originalPath: original });
    expect(path.dirname(info.suggestedTarget)).toBe(root);
    expect(path.basename(info.suggestedTarget)).toMatch(/^crm\.restored-\d{8}_\d{6}\.db$/);
    expect(existsSync(info.suggestedTarget)).toBe(false);
  });

  it('restores into a new file, counted and checked; replaces an existing one only when confirmed', async () => {
    const target = path.join(root, 'out', 'copy.db');
    await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(target)));
    const report = await service.restoreDatabase({ ...ref, target: { kind: 'file', path: target } });
    expect(report).toMatchObject({
      kind: 'sqlite',
      target,
      server: null,
      replaced: false,
      tables: 2,
      rows: 300,
      checks: [{ check: 'integrity', ok: true }],
    });
    expect(rowsOf(target)).toBe(300);

    const changed = new DatabaseSync(target);
    changed.exec('DELETE FROM contacts WHERE id > 10;');
    changed.close();
    expect(await codeOf(service.restoreDatabase({ ...ref, target: { kind: 'file', path: target } }))).toBe(
      'DB_EXISTS',
    );
    expect(rowsOf(target)).toBe(10);
    const replaced = await service.restoreDatabase({
      ...ref,
      target: { kind: 'file', path: target, overwrite: { confirmed: true } },
    });
    expect(replaced.replaced).toBe(true);
    expect(rowsOf(target)).toBe(300);
  });

  it('bad requests are typed errors', async () => {
    expect(
      await codeOf(service.restoreDatabase({ ...ref, target: { kind: 'file', path: 'relative.db' } })),
    ).toBe('INVALID_ARGUMENT');
    const server = { kind: 'server', host: '127.0.0.1', port: 5432, user: 'x' } as const;
    expect(await codeOf(service.restoreDatabase({ ...ref, target: server }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(service.previewDatabaseRestore({ ...ref, path: '/sqlite/other.db' }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(service.previewDatabaseRestore({ ...ref, snapshotId: 'f'.repeat(64) }))).toBe(
      'NOT_FOUND',
    );
  });

  it('knows which snapshot paths are database copies', () => {
    for (const p of ['/postgres/crm.sql', '/mysql/espo crm.sql', '/sqlite/crm.db', '/sqlite/data'])
      expect(isDatabaseDumpPath(p), p).toBe(true);
    for (const p of [
      '/postgres/crm.info.json',
      '/postgres/roles.sql',
      '/postgres',
      '/srv/crm.sql',
      '/sqlite/a/b.db',
    ])
      expect(isDatabaseDumpPath(p), p).toBe(false);
    expect(dumpKindAndName('/postgres/crm.sql')).toEqual({ kind: 'postgres', name: 'crm' });
    expect(dumpKindAndName('/sqlite/crm.db')).toEqual({ kind: 'sqlite', name: 'crm.db' });
    expect(() => dumpKindAndName('/postgres/roles.sql')).toThrow(LifeboatError);
    const input = sourceOperations.restoreDatabase.input;
    expect(
      input.safeParse({ ...ref, target: { kind: 'file', path: '/x.db', overwrite: { confirmed: false } } })
        .success,
    ).toBe(false);
    expect(
      input.safeParse({ ...ref, path: '/postgres/crm.info.json', target: { kind: 'file', path: '/x' } })
        .success,
    ).toBe(false);
  });
});
