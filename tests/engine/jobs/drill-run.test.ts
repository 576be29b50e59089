/**
 * Restore drills against real repositories.
 * Healthy: a random (seeded) pick, a full restore into a private sandbox, every file verified,
 * the SQLite database's integrity_check, the dump checked, phases timed, the sandbox gone
 * afterwards; the HTML report in both languages; storing it locally and in the repository;
 * sampling; cancelling.
 * Damaged: a flipped byte in a pack (the report names the damaged file, everything else is still
 * verified), a SQLite database that was already corrupt when it was backed up, a cut-short dump.
 * The sandbox is removed in every case.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { listSnapshot } from '../../../src/engine/repo/ls.ts';
import type { Repository } from '../../../src/engine/repo/repository.ts';
import {
  createSeededRandom,
  drillReportTag,
  outcomeFromDrill,
  renderDrillReportHtml,
  runDrill,
  storeDrillReport,
  storeDrillReportInRepository,
} from '../../../src/engine/jobs/drill/index.ts';
import type { DrillProgress, DrillReport } from '../../../src/engine/jobs/drill/index.ts';
import { renderMessage, shouldNotify } from '../../../src/engine/jobs/notify/index.ts';
import { webhookPayload } from '../../../src/engine/jobs/notify/webhook.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { initRepo, openRepo, password } from '../../helpers/backup-fixtures.ts';
import { hasRestic, resticOk } from '../../helpers/restic.ts';

// ---- fixtures ----

function makeSqlite(file: string, rows = 3000): void {
  const db = new DatabaseSync(file);
  db.exec(`
    CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, phone TEXT);
    CREATE INDEX contacts_email ON contacts(email);
    CREATE TABLE deals (id INTEGER PRIMARY KEY, contact_id INTEGER REFERENCES contacts(id), amount REAL, stage TEXT);
  `);
  const addContact = db.prepare('INSERT INTO contacts (name, email, phone) VALUES (?, ?, ?)');
  const addDeal = db.prepare('INSERT INTO deals (contact_id, amount, stage) VALUES (?, ?, ?)');
  db.exec('BEGIN');
  for (let i = 1; i <= rows; i++) {
    addContact.run(`Клиент ${i}`, `client${i}@example.com`, `+7 900 ${String(i).padStart(7, '0')}`);
    addDeal.run(i, i * 1000.5, i % 3 === 0 ? 'won' : 'open');
  }
  db.exec('COMMIT');
  db.close();
}

/** A database whose b-tree pages are overwritten in the middle: opens, but integrity_check fails. */
async function makeCorruptSqlite(file: string): Promise<void> {
  makeSqlite(file);
  const bytes = await fs.readFile(file);
  const pageSize = bytes.readUInt16BE(16);
  for (let i = pageSize * 3; i < pageSize * 3 + 300; i++) bytes[i] = 0x55;
  await fs.writeFile(file, bytes);
}

const pgDump = [
  '--',
  '-- PostgreSQL database dump',
  '--',
  '',
  'SET statement_timeout = 0;',
  'CREATE TABLE public.contacts (id integer NOT NULL, name text);',
  'COPY public.contacts (id, name) FROM stdin;\n1\tИванов\n2\tПетров\n\\.',
  '',
  '--',
  '-- PostgreSQL database dump complete',
  '--',
  '',
].join('\n');

async function makeCrmSource(root: string): Promise<void> {
  await fs.mkdir(path.join(root, 'crm', 'exports'), { recursive: true });
  await fs.mkdir(path.join(root, 'crm', 'attachments'), { recursive: true });
  makeSqlite(path.join(root, 'crm', 'crm.sqlite'));
  const lines = Array.from({ length: 5000 }, (_, i) => `${i};Клиент ${i};client${i}@example.com\n`);
  await fs.writeFile(path.join(root, 'crm', 'exports', 'contacts.csv'), lines.join(''));
  await fs.writeFile(path.join(root, 'crm', 'attachments', 'contract.pdf'), randomBytes(300 * 1024));
  await fs.writeFile(path.join(root, 'crm', 'attachments', 'empty.txt'), '');
  await fs.writeFile(path.join(root, 'crm', 'dump.sql'), pgDump);
  await fs.writeFile(path.join(root, 'crm', 'Thumbs.db'), randomBytes(2048));
  await fs.symlink('exports/contacts.csv', path.join(root, 'crm', 'latest-export'));
}

/** The pack and offset of the first data blob of a file in a snapshot. */
async function blobOfFile(
  repo: Repository,
  snapshotId: string,
  fileName: string,
): Promise<{ path: string; packId: string; offset: number; length: number }> {
  for await (const { path: p, node } of listSnapshot(repo, snapshotId)) {
    if (node.type !== 'file' || !p.endsWith(`/${fileName}`)) continue;
    const id = node.content?.[0];
    const entry = id ? repo.lookupBlob('data', id) : undefined;
    if (!entry) throw new Error(`no blob for ${p}`);
    return { path: p, packId: entry.packId, offset: entry.offset, length: entry.length };
  }
  throw new Error(`${fileName} not in the snapshot`);
}

/** Flips one byte in the middle of a blob inside its pack file (a local repository). */
async function flipByteInBlob(
  repoDir: string,
  blob: { packId: string; offset: number; length: number },
): Promise<void> {
  const file = path.join(repoDir, 'data', blob.packId.slice(0, 2), blob.packId);
  const bytes = await fs.readFile(file);
  const at = blob.offset + Math.floor(blob.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  await fs.chmod(file, 0o600);
  await fs.writeFile(file, bytes);
}

const voidElements = new Set(['meta', 'br', 'hr', 'img', 'link', 'input', 'col', 'area', 'base', 'wbr']);

/** Well-formed enough for any browser, and nothing loaded from elsewhere. */
function expectSelfContainedHtml(html: string, lang: string): void {
  expect(html.startsWith('<!DOCTYPE html>\n')).toBe(true);
  expect(html).toContain(`<html lang="${lang}">`);
  expect(html).toContain('<meta charset="utf-8">');
  expect(html).toMatch(/<title>[^<]+<\/title>/);
  for (const bad of [
    '<script',
    '<link',
    '<img',
    '<iframe',
    'src=',
    'href=',
    'url(',
    '@import',
    'http://',
    'https://',
  ])
    expect(html).not.toContain(bad);
  const body = html.replace(/<style>[\s\S]*?<\/style>/, '<style></style>').replace(/^<!DOCTYPE html>/, '');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>/g)) {
    const [, closing, rawName] = m;
    const name = (rawName as string).toLowerCase();
    if (voidElements.has(name)) continue;
    if (closing) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
  // No unescaped ampersands (every & starts an entity).
  expect(body.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
}

async function listDir(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).sort();
}

// ---- tests ----

let work: string;
let repoDir: string;
let sandboxes: string;
let src: string;
let repo: Repository;
const snapshotIds: string[] = [];
let report: DrillReport;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-drill-'));
  repoDir = path.join(work, 'repo');
  sandboxes = path.join(work, 'sandboxes');
  src = path.join(work, 'src');
  await makeCrmSource(src);
  repo = await initRepo(repoDir, 512 * 1024);
  // Three backups a day apart, the CRM changing in between.
  for (let day = 0; day < 3; day++) {
    await fs.writeFile(path.join(src, 'crm', 'exports', `day-${day}.csv`), `day ${day}\n`);
    const r = await backup(repo, {
      paths: [src],
      time: new Date(Date.UTC(2025, 4, 13 + day, 2)),
      workers: 1,
    });
    snapshotIds.push(r.snapshotId as string);
  }
  repo = await openRepo(repoDir);
  await fs.mkdir(sandboxes);
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('a drill of a healthy backup', () => {
  it('restores, verifies every file and database, and removes the sandbox', async () => {
    const progress: DrillProgress[] = [];
    report = await runDrill(repo, {
      random: createSeededRandom(7),
      sandboxDir: sandboxes,
      onProgress: (p) => progress.push(p),
      jobName: 'CRM',
      language: 'ru',
      computer: 'OFFICE-PC',
    });
    expect(report.passed).toBe(true);
    expect(report.problems).toEqual([]);
    expect(snapshotIds).toContain(report.snapshot.id);
    expect(report.chosenAtRandom).toBe(true);
    expect(report.candidates).toBe(3);
    expect(report.snapshot.paths).toEqual([src]);
    expect(report.language).toBe('ru');

    const day = snapshotIds.indexOf(report.snapshot.id);
    const fileCount = 7 + day + 1; // crm.sqlite, contacts.csv, contract.pdf, empty.txt, dump.sql, Thumbs.db + day files
    expect(report.files).toEqual({
      expected: fileCount - 1,
      restored: fileCount - 1,
      verified: fileCount - 1,
    });
    expect(report.bytes.verified).toBe(report.bytes.expected);
    expect(report.bytes.expected).toBeGreaterThan(300 * 1024);
    expect(report.symlinks).toBe(1);
    expect(report.contents.files).toBe(fileCount - 1);

    const byName = new Map(report.databases.map((d) => [path.basename(d.path), d]));
    expect(byName.get('crm.sqlite')).toMatchObject({
      kind: 'sqlite',
      ok: true,
      checked: true,
      result: 'ok',
      tables: 2,
    });
    expect(byName.get('crm.sqlite')?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(byName.get('dump.sql')).toMatchObject({
      kind: 'sql-dump',
      ok: true,
      dumpState: 'complete',
      producer: 'pg_dump',
    });
    expect(byName.get('Thumbs.db')).toMatchObject({ kind: 'sqlite', ok: true, checked: false });
    expect(byName.has('contacts.csv')).toBe(false);

    expect(report.phases.map((p) => p.name)).toEqual([
      'prepare',
      'choose',
      'read-snapshot',
      'restore',
      'verify',
      'databases',
      'cleanup',
    ]);
    for (const p of report.phases) expect(p.durationMs).toBeGreaterThanOrEqual(0);
    expect(report.durationMs).toBeGreaterThanOrEqual(report.phases.reduce((n, p) => n + p.durationMs, 0) - 5);
    expect(new Set(progress.map((p) => p.phase))).toEqual(new Set(['restore', 'verify']));

    expect(report.sandboxRemoved).toBe(true);
    expect(await listDir(sandboxes)).toEqual([]);
    // The drill's lock is released.
    expect(await fs.readdir(path.join(repoDir, 'locks'))).toEqual([]);
    // Plain JSON: the runner can keep it in the history.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('picks the same snapshot for the same seed, and any of them over many seeds', async () => {
    const a = await runDrill(repo, { random: createSeededRandom(123), sandboxDir: sandboxes });
    const b = await runDrill(repo, { random: createSeededRandom(123), sandboxDir: sandboxes });
    expect(a.snapshot.id).toBe(b.snapshot.id);
    const picked = new Set<string>();
    for (let i = 0; i < 3; i++)
      picked.add((await runDrill(repo, { random: () => i / 3 + 0.01, sandboxDir: sandboxes })).snapshot.id);
    expect([...picked].sort()).toEqual([...snapshotIds].sort());
  });

  it('tests a snapshot named by the user', async () => {
    const r = await runDrill(repo, { snapshot: snapshotIds[0]!.slice(0, 10), sandboxDir: sandboxes });
    expect(r).toMatchObject({ passed: true, chosenAtRandom: false, candidates: 1 });
    expect(r.snapshot.id).toBe(snapshotIds[0]);
    expect(r.snapshot.time).toBe('2025-05-13T02:00:00.000Z');
  });

  it('can restore a random sample, always with the databases', async () => {
    const r = await runDrill(repo, {
      snapshot: snapshotIds[2]!,
      sampleFiles: 4,
      random: createSeededRandom(1),
      sandboxDir: sandboxes,
    });
    expect(r.passed).toBe(true);
    expect(r.sample).toEqual({ files: 4, ofFiles: r.contents.files });
    expect(r.files).toEqual({ expected: 4, restored: 4, verified: 4 });
    // crm.sqlite, dump.sql and Thumbs.db are always in; one other file at random.
    expect(r.databases.map((d) => path.basename(d.path)).sort()).toEqual([
      'Thumbs.db',
      'crm.sqlite',
      'dump.sql',
    ]);
    expect(await listDir(sandboxes)).toEqual([]);
    const html = renderDrillReportHtml(r, 'en', { timeZone: 'UTC' });
    expect(html).toContain('It restored a random sample of 4 of the');
  });

  it('throws NOT_FOUND when there is nothing to test', async () => {
    const empty = await initRepo(path.join(work, 'empty-repo'));
    await expect(runDrill(empty, { sandboxDir: sandboxes })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await listDir(sandboxes)).toEqual([]);
  });

  it('is cancelled cleanly: CANCELLED, sandbox removed, lock released', async () => {
    const ac = new AbortController();
    const err = await runDrill(repo, {
      sandboxDir: sandboxes,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'restore') ac.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LifeboatError);
    expect((err as LifeboatError).code).toBe('CANCELLED');
    expect(await listDir(sandboxes)).toEqual([]);
    expect(await fs.readdir(path.join(repoDir, 'locks'))).toEqual([]);
  });
});

describe('the drill report', () => {
  it('becomes a success notification only for channels that want successes', () => {
    const outcome = outcomeFromDrill(report, { language: 'en', jobName: 'CRM' });
    expect(shouldNotify(outcome)).toBe(false);
    expect(shouldNotify(outcome, { onSuccess: true })).toBe(true);
    const en = renderMessage(outcome, { language: 'en', computer: 'PC' });
    expect(en.subject).toBe('[Lifeboat] ✔ Restore test of “CRM” passed');
    expect(en.summary).toMatch(
      /^✔ Restore test of “CRM” passed: \d+ files \([\d.]+ [kM]B\) restored and verified, took /,
    );
    const ru = renderMessage(outcomeFromDrill(report, { language: 'ru' }), {
      language: 'ru',
      computer: 'PC',
    });
    expect(ru.summary).toMatch(
      /^✔ Проверка восстановления «CRM» пройдена за .+: восстановлено и сверено \d+ файл(а|ов)? \(/u,
    );
  });

  it('is a self-contained English document naming the snapshot and the checks', () => {
    const html = renderDrillReportHtml(report, 'en', { timeZone: 'UTC' });
    expectSelfContainedHtml(html, 'en');
    expect(html).toContain('Restore drill report');
    expect(html).toContain('✔ Passed: this backup can be restored, and every file matches it');
    expect(html).toContain(report.snapshot.id);
    expect(html).toContain('integrity_check: ok (2 tables)');
    expect(html).toContain('SQL dump: complete PostgreSQL dump');
    expect(html).toContain('How the drill was done');
    expect(html).toContain('at random, out of 3 backups in the storage');
    expect(html).toContain('a SHA-256 checksum of the content');
    expect(html).toContain('Comparing every file with the backup');
    expect(html).toContain('No problems found.');
    expect(html).toContain('<th>Backup job</th><td>CRM</td>');
    expect(html).toContain('@media print');
  });

  it('reads naturally in Russian', () => {
    const html = renderDrillReportHtml(report, 'ru', { timeZone: 'UTC' });
    expectSelfContainedHtml(html, 'ru');
    expect(html).toContain('Отчёт о проверке восстановления из резервной копии');
    expect(html).toContain('✔ Проверка пройдена');
    expect(html).toContain(report.snapshot.id);
    expect(html).toContain('integrity_check: ok (2 таблицы)');
    expect(html).toContain('случайно, из 3 копий в хранилище');
    expect(html).toContain('Как проводилась проверка');
    expect(html).toContain('Проблем не найдено.');
    expect(html).toMatch(/Сверено<\/th><td>\d+ файл(а|ов)? \(/u);
    // The report's own language is the default.
    expect(renderDrillReportHtml(report)).toContain('<html lang="ru">');
  });

  it('is stored as drills/<date>-<snapshot>.html, never overwriting an earlier one', async () => {
    const folder = path.join(work, 'reports');
    const first = await storeDrillReport(report, folder, { timeZone: 'UTC', language: 'en' });
    const second = await storeDrillReport(report, folder, { timeZone: 'UTC' });
    const date = report.startedAt.slice(0, 10);
    const short = report.snapshot.id.slice(0, 8);
    expect(first).toBe(path.join(folder, 'drills', `${date}-${short}.html`));
    expect(second).toBe(path.join(folder, 'drills', `${date}-${short}-2.html`));
    expect(await listDir(path.join(folder, 'drills'))).toEqual([
      `${date}-${short}-2.html`,
      `${date}-${short}.html`,
    ]);
    expect(await fs.readFile(first, 'utf8')).toContain('<html lang="en">');
    expect(await fs.readFile(second, 'utf8')).toContain('<html lang="ru">');
  });

  it('is stored with the backups as a tagged snapshot that drills never pick', async () => {
    const stored = await storeDrillReportInRepository(repo, report, { timeZone: 'UTC' });
    expect(stored.tags).toEqual([
      drillReportTag,
      `drill-of-${report.snapshot.id.slice(0, 8)}`,
      'drill-passed',
    ]);
    const fresh = await openRepo(repoDir);
    const sn = await fresh.loadSnapshot(stored.snapshotId);
    expect(sn.tags).toEqual(stored.tags);
    const names: string[] = [];
    for await (const { path: p, node } of listSnapshot(fresh, stored.snapshotId))
      if (node.type === 'file') names.push(path.basename(p));
    expect(names.sort()).toEqual(['report.html', 'report.json']);

    // It is an ordinary restic snapshot: restic lists it by its tag and restores the HTML.
    if (hasRestic) {
      const listed = JSON.parse(
        await resticOk(repoDir, ['snapshots', '--json', '--tag', drillReportTag], { password }),
      ) as Array<{ id: string }>;
      expect(listed.map((x) => x.id)).toEqual([stored.snapshotId]);
      const out = path.join(work, 'restic-restore');
      await resticOk(repoDir, ['restore', stored.snapshotId, '--target', out], { password });
      const restoredHtml = (await fs.readdir(out, { recursive: true })).find((n) =>
        String(n).endsWith('report.html'),
      );
      expect(await fs.readFile(path.join(out, String(restoredHtml)), 'utf8')).toContain(report.snapshot.id);
    }

    // With the report snapshot present, a random pick over every seed still lands on a backup.
    for (let i = 0; i < 8; i++) {
      const r = await runDrill(fresh, { random: () => i / 8, sandboxDir: sandboxes });
      expect(snapshotIds).toContain(r.snapshot.id);
      expect(r.candidates).toBe(3);
    }
  });
});

describe('a damaged pack', () => {
  let repoDir: string;
  let snapshotId: string;
  let damagedPath: string;

  beforeAll(async () => {
    repoDir = path.join(work, 'repo-pack');
    const src = path.join(work, 'src-pack');
    await makeCrmSource(src);
    const repo = await initRepo(repoDir, 256 * 1024);
    snapshotId = (await backup(repo, { paths: [src], workers: 1 })).snapshotId as string;
    const blob = await blobOfFile(repo, snapshotId, 'contract.pdf');
    damagedPath = blob.path;
    await flipByteInBlob(repoDir, blob);
  });

  it('fails the drill, names the damaged file, verifies the rest and removes the sandbox', async () => {
    const repo = await openRepo(repoDir);
    const report = await runDrill(repo, { sandboxDir: sandboxes, language: 'en' });
    expect(report.snapshot.id).toBe(snapshotId);
    expect(report.passed).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ kind: 'restore', path: damagedPath });
    expect(report.problems[0]?.detail).toMatch(/^REPO_CORRUPT: /);
    // Every other file was restored and verified; the database still passed its check.
    expect(report.files.restored).toBe(report.files.expected - 1);
    expect(report.files.verified).toBe(report.files.expected - 1);
    expect(report.databases.find((d) => d.path.endsWith('/crm.sqlite'))).toMatchObject({
      ok: true,
      result: 'ok',
    });
    expect(report.sandboxRemoved).toBe(true);
    expect(await listDir(sandboxes)).toEqual([]);

    for (const language of ['en', 'ru'] as const) {
      const html = renderDrillReportHtml(report, language, { timeZone: 'UTC' });
      expectSelfContainedHtml(html, language);
      expect(html).toContain(damagedPath);
      expect(html).toContain(language === 'en' ? '✖ Failed' : '✖ Проверка не пройдена');
      expect(html).toContain(language === 'en' ? 'Could not be restored' : 'Не удалось восстановить');
      expect(html).toContain(language === 'en' ? 'do not delete any backups' : 'не удаляйте резервные копии');
    }

    // As a notification: sent by default, in either language, naming the file.
    const outcome = outcomeFromDrill(report, {
      language: 'ru',
      jobName: 'CRM',
      reportPath: 'C:\\Lifeboat\\drills\\r.html',
    });
    expect(shouldNotify(outcome)).toBe(true);
    const ru = renderMessage(outcome, { language: 'ru', computer: 'PC' });
    expect(ru.subject).toBe('[Lifeboat] ✖ Проверка восстановления «CRM» не пройдена');
    expect(ru.summary).toBe('✖ Проверка восстановления «CRM» не пройдена: найдена 1 проблема');
    expect(ru.text).toContain(`Проблемы:\n• ${damagedPath} — Не удалось восстановить: REPO_CORRUPT`);
    expect(ru.text).toContain('Отчёт: C:\\Lifeboat\\drills\\r.html');
    expect(ru.text).toContain('Не удаляйте резервные копии.');
    const en = renderMessage(outcomeFromDrill(report, { language: 'en', jobName: 'CRM' }), {
      language: 'en',
      computer: 'PC',
    });
    expect(en.summary).toBe('✖ Restore test of “CRM” failed: 1 problem found');
    expect(en.text).toContain(`• ${damagedPath} — Could not be restored: REPO_CORRUPT`);
    const payload = webhookPayload(outcome, ru, { language: 'ru', now: new Date() });
    expect(payload).toMatchObject({
      event: 'drill.finished',
      status: 'failed',
      drill: { passed: false, problems: 1 },
    });

    // A failed drill's report is tagged as such when stored with the backups.
    const stored = await storeDrillReportInRepository(repo, report);
    expect(stored.tags).toContain('drill-failed');
  });
});

describe('damage inside the backed-up data', () => {
  let repoDir: string;

  beforeAll(async () => {
    repoDir = path.join(work, 'repo-data');
    const src = path.join(work, 'src-data');
    await fs.mkdir(src);
    makeSqlite(path.join(src, 'good.sqlite'));
    await makeCorruptSqlite(path.join(src, 'broken.sqlite'));
    // Named like a database, but not one at all.
    await fs.writeFile(
      path.join(src, 'fake.sqlite3'),
      'this is not a database, only text that claims to be one'.repeat(20),
    );
    // A dump that lost its end (the disk filled up while it was written).
    await fs.writeFile(
      path.join(src, 'cut.sql'),
      pgDump.slice(0, pgDump.indexOf('-- PostgreSQL database dump complete')),
    );
    await fs.writeFile(path.join(src, 'empty.sql'), '');
    const repo = await initRepo(repoDir);
    await backup(repo, { paths: [src], workers: 1 });
  });

  it('reports the corrupt database, the impostor and the broken dumps, and nothing else', async () => {
    const repo = await openRepo(repoDir);
    const report = await runDrill(repo, { sandboxDir: sandboxes });
    expect(report.passed).toBe(false);
    expect(report.files.verified).toBe(report.files.expected);
    const found = report.problems.map((p) => [p.kind, path.basename(p.path ?? '')]).sort();
    expect(found).toEqual([
      ['database', 'broken.sqlite'],
      ['database', 'fake.sqlite3'],
      ['dump', 'cut.sql'],
      ['dump', 'empty.sql'],
    ]);
    const byName = new Map(report.databases.map((d) => [path.basename(d.path), d]));
    expect(byName.get('good.sqlite')).toMatchObject({ ok: true, result: 'ok', tables: 2 });
    expect(byName.get('broken.sqlite')?.ok).toBe(false);
    expect(byName.get('broken.sqlite')?.result).toMatch(/malformed|corrupt|out of order|Page|Tree/i);
    expect(byName.get('fake.sqlite3')?.result).toMatch(/not a database/);
    expect(byName.get('cut.sql')).toMatchObject({ ok: false, dumpState: 'truncated', producer: 'pg_dump' });
    expect(byName.get('empty.sql')).toMatchObject({ ok: false, dumpState: 'empty' });
    expect(await listDir(sandboxes)).toEqual([]);

    const ru = renderDrillReportHtml(report, 'ru', { timeZone: 'UTC' });
    expectSelfContainedHtml(ru, 'ru');
    expect(ru).toContain('База данных повреждена');
    expect(ru).toContain('integrity_check: ok (2 таблицы)');
    expect(ru).toContain('SQL-дамп: дамп PostgreSQL оборван: нет завершающей строки');
    const en = renderDrillReportHtml(report, 'en', { timeZone: 'UTC' });
    expect(en).toContain('Database is damaged');
    expect(en).toContain('broken.sqlite');
  });
});
