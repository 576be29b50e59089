/**
 * Proves the restored copy on disk: every restored file is read back and each piece of it hashed and
 * compared with the snapshot's blob ids (a blob id is the SHA-256 of its plaintext). The restore
 * already verified every blob before writing it; this catches what happened on the way to the disk.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { LifeboatError } from '../../shared/errors.ts';
import { cryptoOverhead } from '../repo/crypto.ts';
import type { Repository } from '../repo/repository.ts';
import type { Settings } from '../../shared/contract.ts';
import { displayPath, type PlanItem, type RestorePlan } from '../repo/restore-plan.ts';
import type { OpenRepository } from './open-repository.ts';
import { problemText } from './restore-messages.ts';
import { localPath, type ResolvedTarget } from './restore-target.ts';

const readBufferBytes = 1024 * 1024;

export type VerifyProblem = 'missing' | 'unreadable' | 'short' | 'long' | 'mismatch';

/** Files up to this size are read in one call (most restored files); larger ones in pieces. */
const wholeFileBytes = 4 * 1024 * 1024;

/** Undefined when the file on disk holds exactly the snapshot's content, else what is wrong. */
export async function verifyFile(
  repo: Repository,
  file: string,
  item: PlanItem,
  signal?: AbortSignal,
): Promise<VerifyProblem | undefined> {
  const ids = item.node.content ?? [];
  const lengths: number[] = [];
  let total = 0;
  for (const id of ids) {
    const entry = repo.lookupBlob('data', id);
    if (!entry) return 'missing';
    // An uncompressed blob's ciphertext is its plaintext plus IV and MAC.
    const length = entry.uncompressedLength ?? entry.length - cryptoOverhead;
    lengths.push(length);
    total += length;
  }
  try {
    if (total <= wholeFileBytes) return compare(await readFile(file), ids, lengths);
    return await comparePieces(file, ids, lengths, signal);
  } catch {
    if (signal?.aborted) throw new LifeboatError('CANCELLED', 'The restore was cancelled.');
    return 'unreadable';
  }
}

function compare(
  data: Buffer,
  ids: readonly string[],
  lengths: readonly number[],
): VerifyProblem | undefined {
  let position = 0;
  for (let i = 0; i < ids.length; i++) {
    const length = lengths[i] ?? 0;
    if (position + length > data.length) return 'short';
    const digest = createHash('sha256')
      .update(data.subarray(position, position + length))
      .digest('hex');
    if (digest !== ids[i]) return 'mismatch';
    position += length;
  }
  return position === data.length ? undefined : 'long';
}

async function comparePieces(
  file: string,
  ids: readonly string[],
  lengths: readonly number[],
  signal?: AbortSignal,
): Promise<VerifyProblem | undefined> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(readBufferBytes);
    let position = 0;
    for (let i = 0; i < ids.length; i++) {
      signal?.throwIfAborted();
      const hash = createHash('sha256');
      let left = lengths[i] ?? 0;
      while (left > 0) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(left, buffer.length), position);
        if (bytesRead === 0) return 'short';
        hash.update(buffer.subarray(0, bytesRead));
        position += bytesRead;
        left -= bytesRead;
      }
      if (hash.digest('hex') !== ids[i]) return 'mismatch';
    }
    const { bytesRead } = await handle.read(buffer, 0, 1, position);
    return bytesRead === 0 ? undefined : 'long';
  } finally {
    await handle.close();
  }
}

/**
 * Reads back every restored file not already listed as a problem, several at a time; returns how
 * many matched, and adds the others to `problems` in plain words.
 */
export async function verifyRestored(
  open: OpenRepository,
  plan: RestorePlan,
  target: ResolvedTarget,
  problems: Map<string, string>,
  signal: AbortSignal,
  language: Settings['language'],
  onProgress: (done: number, bytes: number, item: string) => void,
): Promise<number> {
  let verified = 0;
  let done = 0;
  let bytes = 0;
  const files = plan.files.filter((f) => !problems.has(displayPath(f.segments)));
  const parallel = 8;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const item = files[next++];
      if (!item) break;
      signal.throwIfAborted();
      const reason = await verifyFile(open.repo, localPath(target.root, item), item, signal);
      if (reason) problems.set(displayPath(item.segments), problemText(language, reason));
      else verified++;
      done++;
      bytes += item.node.size ?? 0;
      onProgress(done, bytes, displayPath(item.segments));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return verified;
}
