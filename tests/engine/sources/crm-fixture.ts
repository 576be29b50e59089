/**
 * A CRM-like database for the source tests (contacts, deals, activities, binary attachments, a view,
 * a trigger and a function), a money-moving load generator whose invariant (the sum of all
 * balances) only holds in a consistent snapshot, and helpers to read a source's entries into memory
 * and hand them back for restore.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { RestoreInput, RestoreResult, Source } from '../../../src/engine/sources/source.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { startMariaDb, startPostgres } from '../../helpers/db-servers.ts';
import type { DbServer } from '../../helpers/db-servers.ts';

export type Dialect = 'postgres' | 'mariadb';

export const crmTables = ['contacts', 'deals', 'activities', 'attachments', 'bank', 'wallet'] as const;
export const accounts = 50;
export const startBalance = 1000;

export function crmSchemaSql(d: Dialect, scale = 1): string {
  const n = (x: number) => Math.round(x * scale);
  if (d === 'postgres') {
    return `
CREATE TABLE contacts (id serial PRIMARY KEY, name text NOT NULL, email text, phone text, created_at timestamptz NOT NULL, notes text);
CREATE TABLE deals (id serial PRIMARY KEY, contact_id int NOT NULL REFERENCES contacts(id), title text, amount numeric(12,2), stage text, updated_at timestamptz);
CREATE TABLE activities (id serial PRIMARY KEY, deal_id int REFERENCES deals(id), kind text, body text, at timestamptz);
CREATE TABLE attachments (id serial PRIMARY KEY, deal_id int REFERENCES deals(id), name text, data bytea);
-- 'bank' and 'wallet' sort around the big tables, so a dump that is not one snapshot would see them apart.
CREATE TABLE bank (id int PRIMARY KEY, balance bigint NOT NULL);
CREATE TABLE wallet (id int PRIMARY KEY, balance bigint NOT NULL);
INSERT INTO contacts (name, email, phone, created_at, notes)
  SELECT 'Contact ' || i, CASE WHEN i % 10 = 0 THEN NULL ELSE 'c' || i || '@example.com' END, '+7 900 ' || lpad(i::text, 7, '0'),
         timestamptz '2024-01-01 00:00:00+00' + i * interval '1 hour', repeat('note ' || i || ' ', 5)
    FROM generate_series(1, ${n(3000)}) i;
INSERT INTO deals (contact_id, title, amount, stage, updated_at)
  SELECT 1 + (i % ${n(3000)}), 'Deal «' || i || '»', (i * 37 % 100000) / 100.0, (ARRAY['lead','won','lost'])[1 + i % 3],
         timestamptz '2024-02-01 00:00:00+00' + i * interval '1 minute'
    FROM generate_series(1, ${n(2000)}) i;
INSERT INTO activities (deal_id, kind, body, at)
  SELECT 1 + (i % ${n(2000)}), (ARRAY['call','email','meeting'])[1 + i % 3], 'Звонок клиенту ' || i || E'\\t' || md5(i::text) || repeat('x', i % 200),
         timestamptz '2024-03-01 00:00:00+00' + i * interval '1 second'
    FROM generate_series(1, ${n(8000)}) i;
INSERT INTO attachments (deal_id, name, data)
  SELECT 1 + (i % ${n(2000)}), 'file-' || i || '.bin', decode(md5(i::text) || '00ff00' || md5((i + 1)::text), 'hex')
    FROM generate_series(1, ${n(500)}) i;
INSERT INTO bank SELECT i, ${startBalance} FROM generate_series(1, ${accounts}) i;
INSERT INTO wallet SELECT i, ${startBalance} FROM generate_series(1, ${accounts}) i;
CREATE VIEW open_deals AS SELECT d.id, c.name, d.amount FROM deals d JOIN contacts c ON c.id = d.contact_id WHERE d.stage = 'lead';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER deals_touch BEFORE UPDATE ON deals FOR EACH ROW EXECUTE FUNCTION touch();
`;
  }
  return `
CREATE TABLE contacts (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200), phone VARCHAR(40), created_at DATETIME NOT NULL, notes TEXT) ENGINE=InnoDB;
CREATE TABLE deals (id INT AUTO_INCREMENT PRIMARY KEY, contact_id INT NOT NULL, title VARCHAR(200), amount DECIMAL(12,2), stage VARCHAR(20), updated_at DATETIME,
  FOREIGN KEY (contact_id) REFERENCES contacts(id)) ENGINE=InnoDB;
CREATE TABLE activities (id INT AUTO_INCREMENT PRIMARY KEY, deal_id INT, kind VARCHAR(20), body TEXT, at DATETIME, FOREIGN KEY (deal_id) REFERENCES deals(id)) ENGINE=InnoDB;
CREATE TABLE attachments (id INT AUTO_INCREMENT PRIMARY KEY, deal_id INT, name VARCHAR(100), data LONGBLOB) ENGINE=InnoDB;
CREATE TABLE bank (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB;
CREATE TABLE wallet (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB;
INSERT INTO contacts (name, email, phone, created_at, notes)
  SELECT CONCAT('Contact ', seq), IF(seq % 10 = 0, NULL, CONCAT('c', seq, '@example.com')), CONCAT('+7 900 ', LPAD(seq, 7, '0')),
         '2024-01-01' + INTERVAL seq HOUR, REPEAT(CONCAT('note ', seq, ' '), 5)
    FROM seq_1_to_${n(3000)};
INSERT INTO deals (contact_id, title, amount, stage, updated_at)
  SELECT 1 + (seq % ${n(3000)}), CONCAT('Deal «', seq, '»'), (seq * 37 % 100000) / 100, ELT(1 + seq % 3, 'lead', 'won', 'lost'),
         '2024-02-01' + INTERVAL seq MINUTE
    FROM seq_1_to_${n(2000)};
INSERT INTO activities (deal_id, kind, body, at)
  SELECT 1 + (seq % ${n(2000)}), ELT(1 + seq % 3, 'call', 'email', 'meeting'), CONCAT('Звонок клиенту ', seq, '\\t', MD5(seq), REPEAT('x', seq % 200)),
         '2024-03-01' + INTERVAL seq SECOND
    FROM seq_1_to_${n(8000)};
INSERT INTO attachments (deal_id, name, data)
  SELECT 1 + (seq % ${n(2000)}), CONCAT('file-', seq, '.bin'), CONCAT(UNHEX(MD5(seq)), CHAR(0), CHAR(255), UNHEX(MD5(seq + 1)))
    FROM seq_1_to_${n(500)};
INSERT INTO bank SELECT seq, ${startBalance} FROM seq_1_to_${accounts};
INSERT INTO wallet SELECT seq, ${startBalance} FROM seq_1_to_${accounts};
CREATE VIEW open_deals AS SELECT d.id, c.name, d.amount FROM deals d JOIN contacts c ON c.id = d.contact_id WHERE d.stage = 'lead';
CREATE TRIGGER deals_touch BEFORE UPDATE ON deals FOR EACH ROW SET NEW.updated_at = NOW();
CREATE FUNCTION deal_total() RETURNS DECIMAL(14,2) READS SQL DATA RETURN (SELECT SUM(amount) FROM deals);
CREATE EVENT purge_nothing ON SCHEDULE EVERY 1 DAY DO DELETE FROM activities WHERE id < 0;
`;
}

/** Changes after the first dump: updates, deletes and inserts in several tables. */
export function crmChangesSql(d: Dialect): string {
  const now = d === 'postgres' ? 'now()' : 'NOW()';
  return `
UPDATE contacts SET name = CONCAT(name, ' (edited)') WHERE id <= 100;
DELETE FROM activities WHERE id % 7 = 0;
INSERT INTO activities (deal_id, kind, body, at) VALUES (1, 'call', 'new after backup', ${now});
UPDATE bank SET balance = balance + 5 WHERE id = 1;
DELETE FROM attachments WHERE id > 400;
`;
}

/** One money transfer between a bank row and a wallet row: the total never changes. */
export function transferSql(): string {
  const amount = 1 + Math.floor(Math.random() * 50);
  const a = 1 + Math.floor(Math.random() * accounts);
  const b = 1 + Math.floor(Math.random() * accounts);
  const [from, to] = Math.random() < 0.5 ? ['bank', 'wallet'] : ['wallet', 'bank'];
  return `BEGIN;\nUPDATE ${from} SET balance = balance - ${amount} WHERE id = ${a};\nUPDATE ${to} SET balance = balance + ${amount} WHERE id = ${b};\nCOMMIT;\n`;
}

export interface Writer {
  /** Transactions handed to the client so far. */
  readonly sent: number;
  stop(): Promise<void>;
}

/** Keeps a client busy moving money until stop(). */
export function startWriter(server: DbServer, database: string): Writer {
  const child = server.spawnClient(database);
  let sent = 0;
  let stopping = false;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.on('error', () => undefined);
  const pump = () => {
    while (!stopping) {
      sent++;
      if (!child.stdin.write(transferSql())) {
        child.stdin.once('drain', pump);
        return;
      }
    }
  };
  setImmediate(pump);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    get sent() {
      return sent;
    },
    async stop() {
      stopping = true;
      child.stdin.end();
      const code = await exited;
      if (code !== 0) throw new Error(`load writer failed (${String(code)}): ${stderr}`);
    },
  };
}

/**
 * Backs `source` (of `database`) up while a writer keeps moving money there, lets the writer run on
 * after the dump, stops it, and restores the dump into 'crm_under_load'; returns what the restore reports.
 */
export async function restoreDumpTakenUnderLoad(
  server: DbServer,
  source: Source,
  database = 'crm',
): Promise<RestoreResult> {
  const writer = startWriter(server, database);
  try {
    await waitUntil(() => writer.sent > 300);
    const dump = await collect(source);
    const sentDuringDump = writer.sent;
    await waitUntil(() => writer.sent > sentDuringDump + 300);
    await writer.stop();
    return await source.restore(memoryInput(dump.files), { target: 'crm_under_load' });
  } finally {
    await writer.stop().catch(() => undefined);
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** md5 of every table's rows in id order, plus row counts (the "state" of the database). */
export async function tableState(
  server: DbServer,
  database: string,
): Promise<Record<string, { rows: number; md5: string }>> {
  const state: Record<string, { rows: number; md5: string }> = {};
  for (const t of crmTables) {
    const text = await server.query(`SELECT * FROM ${t} ORDER BY id;`, database);
    const rows = text.split('\n').filter(Boolean).length;
    state[t] = { rows, md5: createHash('md5').update(text).digest('hex') };
  }
  return state;
}

export async function totalMoney(server: DbServer, database: string): Promise<number> {
  const out = await server.query(
    'SELECT (SELECT SUM(balance) FROM bank) + (SELECT SUM(balance) FROM wallet);',
    database,
  );
  return Number(out.trim());
}

export interface Collected {
  files: Map<string, Buffer>;
  modes: Map<string, number>;
  bytes: number;
  ms: number;
}

/** Reads every entry of one backup of `source` into memory, as the pipeline would stream it. */
export async function collect(
  source: Source,
  signal: AbortSignal = new AbortController().signal,
): Promise<Collected> {
  const started = performance.now();
  const files = new Map<string, Buffer>();
  const modes = new Map<string, number>();
  let bytes = 0;
  for await (const entry of source.entries(signal)) {
    const parts: Buffer[] = [];
    for await (const chunk of await entry.open()) parts.push(chunk as Buffer);
    const data = Buffer.concat(parts);
    if (entry.size !== undefined && entry.size !== data.length)
      throw new Error(`${entry.path}: size ${entry.size} but ${data.length} bytes read`);
    files.set(entry.path, data);
    modes.set(entry.path, entry.mode);
    bytes += data.length;
  }
  return { files, modes, bytes, ms: performance.now() - started };
}

/** Hands collected entries back to restore, in small chunks like a repository read would. */
export function memoryInput(files: Map<string, Buffer>): RestoreInput {
  return {
    paths: [...files.keys()],
    open: async (path) => {
      const data = files.get(path);
      if (!data) throw new Error(`no entry ${path}`);
      const chunks: Buffer[] = [];
      for (let i = 0; i < data.length; i += 64 * 1024) chunks.push(data.subarray(i, i + 64 * 1024));
      return Readable.from(chunks);
    },
  };
}

export function mbPerSecond(bytes: number, ms: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms = ${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;
}

/** The LifeboatError a promise fails with (the test fails if it succeeds or throws anything else). */
export async function errorOf(p: Promise<unknown>): Promise<LifeboatError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LifeboatError) return err;
    throw err;
  }
  throw new Error('expected a LifeboatError');
}

/** A throw-away server of the dialect holding a CRM database (the schema above, filled) per name. */
export async function startCrmServer(d: Dialect, databases: string[]): Promise<DbServer> {
  const server = d === 'postgres' ? await startPostgres() : await startMariaDb();
  for (const name of databases) {
    await server.query(
      d === 'postgres'
        ? `CREATE DATABASE ${name};`
        : `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
    );
    await server.query(crmSchemaSql(d), name);
  }
  return server;
}

/** Starts a backup, opens its .sql dump, cancels, and returns the error reading the dump ends with. */
export async function cancelledDumpError(source: Source): Promise<LifeboatError> {
  const ac = new AbortController();
  const iter = source.entries(ac.signal)[Symbol.asyncIterator]();
  let entry = (await iter.next()).value!;
  while (!entry.path.endsWith('.sql')) entry = (await iter.next()).value!;
  const stream = await entry.open();
  ac.abort();
  return errorOf(
    (async () => {
      for await (const _ of stream) void _;
    })(),
  );
}
