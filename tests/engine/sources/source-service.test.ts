/**
 * The wizard's operations on sources through the Service: detectCrm never returns the password it
 * found, keeps it for the next saveJob (which files it in the keychain), and the contract schemas
 * accept what the engine returns. Database sources in a job keep their passwords out of the jobs file.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { secretAccounts, type MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import type { Service } from '../../../src/engine/service.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { operations } from '../../../src/shared/contract.ts';
import { jobSourceSchema } from '../../../src/shared/jobs.ts';
import { sourceKey } from '../../../src/shared/sources.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import { testService } from '../../helpers/test-service.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'lb-source-service-'));
const secret = "it's # secret";

describe('detectCrm and database passwords through the Service', () => {
  let service: Service;
  let secrets: MemorySecretStore;
  let install: string;
  let dataDir: string;

  beforeAll(() => {
    install = path.join(root, 'espo');
    for (const d of ['data/upload', 'custom/Espo/Custom', 'application/Espo']) {
      mkdirSync(path.join(install, d), { recursive: true });
    }
    writeFileSync(
      path.join(install, 'data/config-internal.php'),
      `<?php\nreturn ['database' => ['host' => 'localhost', 'port' => '', 'dbname' => 'espocrm', 'user' => 'espo', 'password' => 'it\\'s # secret', 'platform' => 'Mysql']];\n`,
    );
    ({ service, secrets, dataDir } = testService({ dataDir: mkdtempSync(path.join(root, 'data-')) }));
  });

  afterAll(async () => {
    await service.close();
  });

  it('detects EspoCRM as ready-to-save sources, saying a password was found without returning it', async () => {
    const found = await service.detectCrm({ installDir: install });
    expect(operations.detectCrm.output.parse(found)).toEqual(found);
    expect(JSON.stringify(found)).not.toContain('secret');
    expect(found).toMatchObject({
      crm: 'espocrm',
      name: 'EspoCRM',
      passwordFound: true,
      database: {
        kind: 'mysql',
        host: 'localhost',
        port: 3306,
        user: 'espo',
        database: 'espocrm',
        crm: 'espocrm',
      },
      warnings: [],
    });
    expect(found!.sources.map((s) => s.kind)).toEqual(['mysql', 'folder', 'folder', 'folder']);
    expect(await service.detectCrm({ installDir: root })).toBeNull();
  });

  it('saveJob files the detected password in the keychain; an explicit one wins; null deletes it', async () => {
    const found = (await service.detectCrm({ installDir: install }))!;
    const repoDir = path.join(root, 'repo');
    await Repository.init(new LocalBackend(repoDir), 'repo pw', { kdf: fastKdf });
    const draft = {
      name: 'EspoCRM',
      sources: found.sources,
      destination: { location: { kind: 'local' as const, path: repoDir } },
      schedule: { kind: 'manual' as const },
    };
    const account = secretAccounts.sourcePassword(sourceKey(found.database!));
    const job = await service.saveJob({ job: draft, password: 'repo pw' });
    expect(job.sources[0]).toEqual(found.database);
    expect(await secrets.get(account)).toBe(secret);
    await service.saveJob({ job: { ...draft, id: job.id }, sourcePasswords: { '0': 'typed' } });
    expect(await secrets.get(account)).toBe('typed');
    await service.saveJob({ job: { ...draft, id: job.id }, sourcePasswords: { '0': null } });
    expect(await secrets.get(account)).toBeUndefined();
    await expect(
      service.saveJob({ job: { ...draft, id: job.id }, sourcePasswords: { '1': 'folder?' } }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    for (const f of readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) =>
      e.isFile(),
    )) {
      const text = readFileSync(path.join(f.parentPath, f.name), 'utf8');
      expect(text).not.toContain('secret');
      expect(text).not.toContain('typed');
    }
  });

  it('the job model takes database sources and refuses unknown fields', () => {
    expect(jobSourceSchema.parse({ kind: 'sqlite', path: '/srv/crm.db' })).toBeTruthy();
    expect(() =>
      jobSourceSchema.parse({
        kind: 'postgres',
        host: 'h',
        port: 5432,
        user: 'u',
        database: 'd',
        password: 'x',
      }),
    ).toThrow();
  });

  it('testSource reports a folder and a SQLite file; a missing file is a typed error', async () => {
    expect(
      await service.testSource({ source: { kind: 'folder', path: install, excludes: [] } }),
    ).toMatchObject({
      ok: true,
      summary: 'Folder',
    });
    await expect(
      service.testSource({ source: { kind: 'sqlite', path: path.join(root, 'none.db') } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
