/**
 * Generates CRM-like data for the benchmarks: a SQLite database (contacts, deals, activities), NDJSON
 * exports, and attachments that mix compressible documents with incompressible scans and photos.
 * Deterministic for a given seed, so Lifeboat and restic see identical bytes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** Small deterministic PRNG (mulberry32) so runs are comparable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const firstNames = ['Ivan', 'Olga', 'Anna', 'Sergei', 'Maria', 'John', 'Emily', 'Dmitry', 'Elena', 'Pavel', 'Irina', 'Alex'];
const lastNames = ['Petrov', 'Smirnova', 'Ivanov', 'Kuznetsova', 'Smith', 'Brown', 'Popov', 'Sokolova', 'Lebedev', 'Novikova'];
const words = 'call meeting proposal invoice follow-up demo contract renewal discount delivery support ticket quote order payment reminder'.split(' ');

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function sentence(r: () => number, n: number): string {
  return Array.from({ length: n }, () => pick(r, words)).join(' ');
}

function randomBytesFrom(r: () => number, size: number): Buffer {
  // Incompressible but deterministic: SHA-256 in counter mode from a seed.
  const seed = Math.floor(r() * 2 ** 32);
  const out = Buffer.allocUnsafe(size);
  for (let off = 0, i = 0; off < size; off += 32, i++) {
    createHash('sha256').update(`${seed}:${i}`).digest().copy(out, off);
  }
  return out;
}

export interface DatasetSize {
  contacts: number;
  activitiesPerContact: number;
  scanFiles: number;
  scanBytes: number;
  documentFiles: number;
  /** Small attachments (e-mails, notes; 0.5–4 KB each), 100 per folder; 0 unless asked for. */
  smallFiles?: number;
}

export const defaultSize: DatasetSize = { contacts: 300_000, activitiesPerContact: 4, scanFiles: 120, scanBytes: 600_000, documentFiles: 400 };

export function generate(root: string, size: DatasetSize = defaultSize, seed = 1): void {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(root, 'exports'), { recursive: true });
  mkdirSync(path.join(root, 'attachments', 'scans'), { recursive: true });
  mkdirSync(path.join(root, 'attachments', 'documents'), { recursive: true });
  const r = rng(seed);

  const db = new DatabaseSync(path.join(root, 'crm.sqlite'));
  db.exec(`PRAGMA journal_mode=DELETE;
    CREATE TABLE contacts(id INTEGER PRIMARY KEY, name TEXT, email TEXT, phone TEXT, company TEXT, notes TEXT, updated_at TEXT);
    CREATE TABLE deals(id INTEGER PRIMARY KEY, contact_id INTEGER, title TEXT, amount REAL, stage TEXT, updated_at TEXT);
    CREATE TABLE activities(id INTEGER PRIMARY KEY, contact_id INTEGER, kind TEXT, body TEXT, at TEXT);
    CREATE INDEX activities_contact ON activities(contact_id);`);
  const insContact = db.prepare('INSERT INTO contacts VALUES (?,?,?,?,?,?,?)');
  const insDeal = db.prepare('INSERT INTO deals VALUES (?,?,?,?,?,?)');
  const insActivity = db.prepare('INSERT INTO activities VALUES (?,?,?,?,?)');
  db.exec('BEGIN');
  let activityId = 0;
  for (let id = 1; id <= size.contacts; id++) {
    const name = `${pick(r, firstNames)} ${pick(r, lastNames)}`;
    const day = `2025-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
    insContact.run(id, name, `${name.replace(' ', '.').toLowerCase()}${id}@example.com`, `+7 9${Math.floor(r() * 1e9)}`, `Company ${Math.floor(r() * 5000)}`, sentence(r, 12), day);
    if (id % 3 === 0) insDeal.run(id / 3, id, sentence(r, 3), Math.round(r() * 1e6) / 100, pick(r, ['lead', 'proposal', 'won', 'lost']), day);
    for (let k = 0; k < size.activitiesPerContact; k++) insActivity.run(++activityId, id, pick(r, ['call', 'email', 'meeting']), sentence(r, 20), day);
  }
  db.exec('COMMIT');
  db.close();

  for (const table of ['contacts', 'deals']) {
    const file = path.join(root, 'exports', `${table}.ndjson`);
    const lines: string[] = [];
    const n = table === 'contacts' ? size.contacts : Math.floor(size.contacts / 3);
    for (let id = 1; id <= n; id++) lines.push(JSON.stringify({ id, kind: table, name: `${pick(r, firstNames)} ${pick(r, lastNames)}`, note: sentence(r, 10) }));
    writeFileSync(file, lines.join('\n') + '\n');
  }
  for (let i = 0; i < size.scanFiles; i++) {
    writeFileSync(path.join(root, 'attachments', 'scans', `scan-${i}.jpg`), randomBytesFrom(r, Math.floor(size.scanBytes * (0.5 + r()))));
  }
  for (let i = 0; i < size.documentFiles; i++) {
    const paragraphs = Array.from({ length: 200 + Math.floor(r() * 400) }, () => sentence(r, 25)).join('\n');
    writeFileSync(path.join(root, 'attachments', 'documents', `offer-${i}.txt`), paragraphs);
  }
  for (let i = 0; i < (size.smallFiles ?? 0); i++) {
    const folder = path.join(root, 'attachments', 'mail', String(Math.floor(i / 100)).padStart(4, '0'));
    if (i % 100 === 0) mkdirSync(folder, { recursive: true });
    const body = r() < 0.5 ? sentence(r, 80 + Math.floor(r() * 500)) : randomBytesFrom(r, 500 + Math.floor(r() * 3500));
    writeFileSync(path.join(folder, `message-${i}.eml`), body);
  }
}

/** About 1% of the data changes, the way a CRM changes in a day: new and edited records, new files. */
export function changeAboutOnePercent(root: string, size: DatasetSize = defaultSize, seed = 2): void {
  const r = rng(seed);
  const db = new DatabaseSync(path.join(root, 'crm.sqlite'));
  db.exec('BEGIN');
  const newContacts = Math.floor(size.contacts / 100);
  const ins = db.prepare('INSERT INTO activities(contact_id, kind, body, at) VALUES (?,?,?,?)');
  for (let i = 0; i < newContacts * 3; i++) ins.run(1 + Math.floor(r() * size.contacts), 'call', sentence(r, 20), '2026-11-29');
  const upd = db.prepare('UPDATE deals SET stage = ?, updated_at = ? WHERE id = ?');
  for (let i = 0; i < 200; i++) upd.run('won', '2026-11-29', 1 + Math.floor(r() * (size.contacts / 3)));
  db.exec('COMMIT');
  db.close();
  const extra: string[] = [];
  for (let i = 0; i < newContacts; i++) extra.push(JSON.stringify({ id: size.contacts + i + 1, kind: 'contacts', note: sentence(r, 10) }));
  appendFileSync(path.join(root, 'exports', 'contacts.ndjson'), extra.join('\n') + '\n');
  for (let i = 0; i < 3; i++) {
    writeFileSync(path.join(root, 'attachments', 'scans', `new-scan-${seed}-${i}.jpg`), randomBytesFrom(r, size.scanBytes));
  }
}
