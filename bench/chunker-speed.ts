/**
 * Chunker boundary-search speed. Run: ./node_modules/.bin/node bench/chunker-speed.ts [MiB]
 * Feeds random data (worst case: no long runs) in 8 MiB buffers, like the file worker does.
 */
import { randomFillSync } from 'node:crypto';
import { Chunker, DEFAULT_CHUNKER_PARAMS } from '../src/engine/repo/chunker.ts';

const totalMiB = Number(process.argv[2] ?? 1024);
const block = 8 * 1024 * 1024;
const buffers = Array.from({ length: 8 }, () => randomFillSync(Buffer.allocUnsafe(block)));

function run(): { seconds: number; chunks: number } {
  const chunker = new Chunker();
  let chunks = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < totalMiB / 8; i++) chunks += chunker.push(buffers[i % buffers.length]!).length;
  if (chunker.finish() > 0) chunks++;
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, chunks };
}

run(); // warm-up (JIT)
const { seconds, chunks } = run();
const bytes = totalMiB * 1024 * 1024;
// FastCDC skips the first minSize bytes of every chunk; the rest go through the gear hash
const hashed = bytes - chunks * DEFAULT_CHUNKER_PARAMS.minSize;
console.log(
  `chunker: ${totalMiB} MiB in ${seconds.toFixed(3)} s = ${(bytes / 1e6 / seconds).toFixed(0)} MB/s of input ` +
    `(${(hashed / 1e6 / seconds).toFixed(0)} MB/s through the gear hash), ${chunks} chunks, ` +
    `mean ${((totalMiB / chunks) * 1024).toFixed(0)} KiB`,
);
