/**
 * File pipeline throughput: read + chunk + sha256 (+ zstd + encrypt for new chunks) through FileSaver.
 * Run: ./node_modules/.bin/node bench/file-worker-speed.ts [MiB per file] [files]
 * Files are written to a temp dir first (so they are in the page cache: this measures CPU, not disk).
 * Content: half pseudo-random (incompressible), half CSV-like text (compressible), like CRM exports.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomMasterKey } from '../src/engine/repo/crypto.ts';
import { FileSaver } from '../src/engine/repo/workers/file-saver.ts';

const mib = Number(process.argv[2] ?? 256);
const fileCount = Number(process.argv[3] ?? 4);
const dir = mkdtempSync(join(tmpdir(), 'lifeboat-bench-'));

function makeFile(seed: number): Buffer {
  const size = mib * 1024 * 1024;
  const words = new Uint32Array(size / 8);
  let x = seed | 0;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  const rows: string[] = [];
  let len = 0;
  for (let i = 0; len < size / 2; i++) {
    const row = `${i + seed * 1e7},Customer ${(i * 7919) % 100003},user${i}@example.com,+1555${(i * 31) % 10000000},${i % 17 === 0 ? 'vip' : 'regular'}\n`;
    rows.push(row);
    len += row.length;
  }
  return Buffer.concat([Buffer.from(words.buffer), Buffer.from(rows.join('')).subarray(0, size / 2)]);
}

const paths = Array.from({ length: fileCount }, (_, i) => {
  const p = join(dir, `f${i}.bin`);
  writeFileSync(p, makeFile(i + 1));
  return p;
});

const warm = join(dir, 'warm.txt');
writeFileSync(warm, makeFile(1000).subarray(0, 48 << 20));

async function measure(label: string, workers: number, files: string[], known: Set<string> | undefined) {
  const store = known ?? new Set<string>();
  const saver = new FileSaver({
    key: randomMasterKey(),
    workers,
    isKnown: (id) => store.has(id),
    saveBlob: (b) => void store.add(b.id),
  });
  // start the workers and let the JIT warm up before timing (a real backup reads many GB)
  await Promise.all(Array.from({ length: workers }, () => saver.saveFile(warm)));
  const t0 = performance.now();
  // with its size, as the backup passes it: big files are then cut here and spread over the workers
  const results = await Promise.all(files.map((p) => saver.saveFile(p, { size: statSync(p).size })));
  const s = (performance.now() - t0) / 1000;
  await saver.close();
  const bytes = results.reduce((n, r) => n + r.bytesRead, 0);
  const fresh = results.reduce((n, r) => n + r.newBytes, 0);
  console.log(
    `${label.padEnd(44)} ${(bytes / 1e6 / s).toFixed(0).padStart(5)} MB/s  (${(bytes / 1e6).toFixed(0)} MB in ${s.toFixed(2)} s, ${((100 * fresh) / bytes).toFixed(0)}% new)`,
  );
  return store;
}

console.log(`cpus: ${availableParallelism()}, ${fileCount} files × ${mib} MiB`);
const one = [paths[0]!];
await measure('1 worker, new data (chunk+hash+zstd+seal)', 1, one, undefined);
const store = await measure(
  `${availableParallelism()} workers, new data`,
  availableParallelism(),
  paths,
  undefined,
);
await measure('1 worker, known data (read+chunk+hash)', 1, one, store);
await measure(`${availableParallelism()} workers, known data`, availableParallelism(), paths, store);
rmSync(dir, { recursive: true, force: true });
