/**
 * Built into the desktop main bundle by bundle.test.ts (probe.config.ts), then run in plain Node:
 * a small backup and restore, and a SQLite check, through the BUNDLED engine code and worker
 * scripts. Every worker thread started is recorded, so the test can tell that the bundled workers
 * ran (restore would silently decode in process without its worker). Prints one JSON line.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type * as WorkerThreads from 'node:worker_threads';

// Record every Worker the engine starts (its named import is a live binding of the builtin module).
const threads = createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads;
const started: string[] = [];
const BaseWorker = threads.Worker;
threads.Worker = class extends BaseWorker {
  constructor(script: string | URL, options?: WorkerThreads.WorkerOptions) {
    started.push(String(script));
    super(script, options);
  }
};
syncBuiltinESMExports();

const { backup } = await import('../../src/engine/repo/backup/archiver.ts');
const { Repository } = await import('../../src/engine/repo/repository.ts');
const { restoreSnapshot } = await import('../../src/engine/repo/restore.ts');
const { checkSqliteFile } = await import('../../src/engine/jobs/drill/sqlite-check.ts');
const { LocalBackend } = await import('../../src/engine/storage/local-backend.ts');
const { googleOAuthConfig } = await import('../../src/engine/auth/google-oauth-config.ts');
const { dropboxAppKey } = await import('../../src/engine/auth/dropbox-oauth.ts');

const work = process.argv[2];
if (!work) throw new Error('usage: probe.js <work folder>');
const source = path.join(work, 'source');
const target = path.join(work, 'restored');
await mkdir(path.join(source, 'docs'), { recursive: true });
const files: Record<string, Buffer> = {
  'big.bin': randomBytes(3 * 1024 * 1024 + 777),
  'docs/note.txt': Buffer.from('Привет, Lifeboat\n'.repeat(1000)),
  'docs/empty.txt': Buffer.alloc(0),
};
for (const [name, data] of Object.entries(files)) await writeFile(path.join(source, name), data);

const repo = await Repository.init(new LocalBackend(path.join(work, 'repo')), 'pw', {
  kdf: { N: 1024, r: 8, p: 1 },
});
const saved = await backup(repo, { paths: [source], workers: 2 });
const restored = await restoreSnapshot(repo, saved.snapshotId ?? 'latest', { target, workers: 2 });
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const same = await Promise.all(
  Object.entries(files).map(async ([name, data]) => {
    const back = await readFile(path.join(target, source, name));
    return sha(back) === sha(data);
  }),
);

const dbFile = path.join(work, 'crm.db');
const db = new DatabaseSync(dbFile);
db.exec('CREATE TABLE clients (id INTEGER PRIMARY KEY, name TEXT)');
db.close();
const sqlite = await checkSqliteFile(dbFile);

// The OAuth clients the build baked in (the probe runs with none of the variables set).
const google = googleOAuthConfig({}, {});
const oauth = {
  googleClientId: google.clientId,
  googleClientSecret: google.clientSecret,
  dropboxAppKey: dropboxAppKey({ env: {} }),
};

console.log(
  JSON.stringify({
    oauth,
    workers: started,
    filesRead: saved.stats.filesRead,
    restoredFiles: restored.files,
    restoreErrors: restored.errors,
    identical: same.every(Boolean),
    sqlite,
  }),
);
