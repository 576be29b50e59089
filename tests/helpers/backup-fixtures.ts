/**
 * Backup test fixtures: a generated source tree with the cases a backup gets wrong (empty file and
 * folder, deep nesting, Unicode names, relative/absolute symlinks, modes, a FIFO, mixed
 * compressible/random data, many small files), a manifest of a tree to compare sources with
 * restores byte for byte, and small helpers around repositories.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { expect } from 'vitest';
import { Repository } from '../../src/engine/repo/repository.ts';
import { LocalBackend } from '../../src/engine/storage/local-backend.ts';

export const password = 'backup test password';
export const fastKdf = { N: 4096, r: 8, p: 1 };

export async function initRepo(dir: string, packSize = 4 * 1024 * 1024): Promise<Repository> {
  return Repository.init(new LocalBackend(dir), password, { kdf: fastKdf, packSize });
}

export async function openRepo(dir: string): Promise<Repository> {
  return Repository.open(new LocalBackend(dir), password, { packSize: 4 * 1024 * 1024 });
}

/** Deterministic bytes (xorshift), so a test can recreate the same content. */
export function pseudoRandom(size: number, seed: number): Buffer {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed | 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, size);
}

/** CRM-export-like text: compresses well, dedups poorly between rows. */
export function csvText(size: number, seed = 0): Buffer {
  const rows: string[] = [];
  let len = 0;
  for (let i = 0; len < size; i++) {
    const row = `${i + seed},Клиент ${(i * 7919) % 100003},user${i}@example.com,+7 900 ${String(i % 9999999).padStart(7, '0')}\n`;
    rows.push(row);
    len += Buffer.byteLength(row);
  }
  return Buffer.from(rows.join('')).subarray(0, size);
}

export interface TreeOptions {
  /** Bytes of the mixed big file (half random, half text); default 10 MB. */
  bigBytes?: number;
  smallFiles?: number;
  fifo?: boolean;
}

async function write(root: string, rel: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const p = path.join(root, rel);
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, data);
  await fs.chmod(p, mode);
}

export async function makeTree(root: string, opts: TreeOptions = {}): Promise<void> {
  const big = opts.bigBytes ?? 10 * 1000 * 1000;
  await fs.mkdir(root, { recursive: true });
  await write(root, 'empty.txt', '');
  await fs.mkdir(path.join(root, 'empty-dir'));
  await write(root, 'a/b/c/d/e/deep.txt', 'deep\n');
  await write(root, 'Документы/Отчёт за май.txt', 'Привет, мир!\n'.repeat(200));
  await write(root, 'Документы/日本語ファイル.txt', 'こんにちは\n');
  await write(root, 'Документы/emoji 😀 name.txt', 'smile\n');
  await write(root, 'Документы/e\u0301 combining.txt', 'nfd\n');
  await write(root, 'quote "and" back\\slash & <tag>.txt', 'odd name\n');
  await write(root, 'bin/run.sh', '#!/bin/sh\necho hi\n', 0o755);
  await write(root, 'bin/secret.key', 'secret\n', 0o600);
  await write(root, 'data/mixed.bin', Buffer.concat([pseudoRandom(big / 2, 1), csvText(big / 2)]));
  const smallDir = path.join(root, 'small');
  await fs.mkdir(smallDir);
  for (let i = 0; i < (opts.smallFiles ?? 2000); i++) {
    const sub = path.join(smallDir, `d${String(i % 20).padStart(2, '0')}`);
    if (i < 20) await fs.mkdir(sub);
    await fs.writeFile(path.join(sub, `f${i}.txt`), `small file ${i}\n`.repeat(1 + (i % 50)));
  }
  await fs.symlink('Документы/Отчёт за май.txt', path.join(root, 'link-relative'));
  await fs.symlink('/nonexistent/absolute/target', path.join(root, 'link-absolute'));
  if (opts.fifo ?? true) execFileSync('mkfifo', [path.join(root, 'a/pipe')]);
  // microsecond timestamps on a few entries (Node sets times through a double)
  let t = 1_700_000_000.123456;
  for (const rel of ['empty.txt', 'bin/run.sh', 'data/mixed.bin', 'Документы/Отчёт за май.txt']) {
    await fs.utimes(path.join(root, rel), t, t);
    t += 1001.000001;
  }
}

export interface Entry {
  type: 'file' | 'dir' | 'symlink' | 'fifo';
  mode?: number;
  /** mtime in ns; compared with 1 µs tolerance (restores through Node's utimes lose ns). */
  mtimeNs?: bigint;
  size?: number;
  sha256?: string;
  target?: string;
}

/** Everything below `root` (sockets ignored: restic does not store them). */
export async function manifest(
  root: string,
  opts: { dirTimes?: boolean; fifos?: boolean } = {},
): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await fs.readdir(dir)).sort()) {
      const p = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = await fs.lstat(p, { bigint: true });
      const mode = Number(st.mode) & 0o7777;
      if (st.isSymbolicLink()) out.set(r, { type: 'symlink', target: await fs.readlink(p) });
      else if (st.isDirectory()) {
        out.set(r, { type: 'dir', mode, ...(opts.dirTimes === false ? {} : { mtimeNs: st.mtimeNs }) });
        await walk(p, r);
      } else if (st.isFIFO()) {
        if (opts.fifos !== false) out.set(r, { type: 'fifo', mode, mtimeNs: st.mtimeNs });
      } else if (st.isFile()) {
        const data = await fs.readFile(p);
        const sha256 = createHash('sha256').update(data).digest('hex');
        out.set(r, { type: 'file', mode, mtimeNs: st.mtimeNs, size: data.length, sha256 });
      }
    }
  };
  await walk(root, '');
  return out;
}

export function expectSameManifest(actual: Map<string, Entry>, expected: Map<string, Entry>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  const diffs: string[] = [];
  for (const [k, e] of expected) {
    const a = actual.get(k)!;
    const { mtimeNs: am, ...ar } = a;
    const { mtimeNs: em, ...er } = e;
    if (JSON.stringify(ar) !== JSON.stringify(er))
      diffs.push(`${k}: ${JSON.stringify(ar)} != ${JSON.stringify(er)}`);
    if ((am === undefined) !== (em === undefined)) diffs.push(`${k}: mtime presence differs`);
    else if (am !== undefined && em !== undefined && (am > em ? am - em : em - am) > 1000n)
      diffs.push(`${k}: mtime ${am} != ${em}`);
  }
  expect(diffs).toEqual([]);
}

/** Total size of the files below a folder (e.g. a repository). */
export async function folderBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += (await fs.stat(path.join(e.parentPath, e.name))).size;
  }
  return n;
}
