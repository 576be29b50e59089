/**
 * Pack-level checks: every indexed pack exists with the size the index implies and a header that
 * matches the index; with read-data, the whole pack is downloaded, its sha256 compared with its
 * name and every blob decrypted and verified.
 */
import { createHash } from 'node:crypto';
import { LifeboatError } from '../../shared/errors.ts';
import { mapLimit } from './concurrency.ts';
import type { IndexEntry } from './master-index.ts';
import { expectedPackSize, parseHeader, readPackHeader } from './pack.ts';
import type { PackedBlob } from './pack.ts';
import type { Repository } from './repository.ts';

export interface PackProblem {
  packId: string;
  message: string;
  /** Blob ids in this pack that cannot be read (all of the pack's blobs when it is unreadable). */
  badBlobs: Array<{ type: 'data' | 'tree'; id: string }>;
}

function sameBlobs(a: readonly PackedBlob[], b: readonly IndexEntry[]): boolean {
  if (a.length !== b.length) return false;
  const key = (x: PackedBlob | IndexEntry): string =>
    `${x.type}:${x.id}:${x.offset}:${x.length}:${x.uncompressedLength ?? 0}`;
  const set = new Set(a.map(key));
  return b.every((x) => set.has(key(x)));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const allBlobs = (entries: readonly IndexEntry[]): PackProblem['badBlobs'] =>
  entries.map((e) => ({ type: e.type, id: e.id }));

/** Existence, size and header of every indexed pack (one small range read per pack). */
export async function checkPackHeaders(
  repo: Repository,
  byPack: Map<string, IndexEntry[]>,
  files: Map<string, number>,
  readHeaders: boolean,
  signal?: AbortSignal,
): Promise<PackProblem[]> {
  const problems: PackProblem[] = [];
  await mapLimit([...byPack.entries()], 8, async ([packId, entries]) => {
    signal?.throwIfAborted();
    const size = files.get(packId);
    if (size === undefined) {
      problems.push({
        packId,
        message: `pack ${packId.slice(0, 8)} is listed in the index but missing`,
        badBlobs: allBlobs(entries),
      });
      return;
    }
    const expected = expectedPackSize(entries);
    if (size !== expected) {
      problems.push({
        packId,
        message: `pack ${packId.slice(0, 8)} has size ${size}, the index implies ${expected}`,
        badBlobs: allBlobs(entries),
      });
      return;
    }
    if (!readHeaders) return;
    try {
      const header = await readPackHeader(repo.backend, repo.key, packId, size);
      if (!sameBlobs(header, entries)) {
        problems.push({
          packId,
          message: `pack ${packId.slice(0, 8)}: header does not match the index`,
          badBlobs: allBlobs(entries),
        });
      }
    } catch (err) {
      if (!(err instanceof LifeboatError)) throw err;
      problems.push({
        packId,
        message: `pack ${packId.slice(0, 8)}: header unreadable: ${message(err)}`,
        badBlobs: allBlobs(entries),
      });
    }
  });
  return problems;
}

/** Downloads packs completely and verifies hash, header and every blob. */
export async function readPacks(
  repo: Repository,
  packIds: readonly string[],
  byPack: Map<string, IndexEntry[]>,
  onPack: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<PackProblem[]> {
  const problems: PackProblem[] = [];
  await mapLimit(packIds, 2, async (packId) => {
    signal?.throwIfAborted();
    const entries = byPack.get(packId) ?? [];
    let data: Buffer;
    try {
      data = await repo.backend.read('data', packId);
    } catch (err) {
      if (!(err instanceof LifeboatError)) throw err;
      problems.push({
        packId,
        message: `pack ${packId.slice(0, 8)} could not be read: ${message(err)}`,
        badBlobs: allBlobs(entries),
      });
      return;
    }
    onPack(data.length);
    const issues: string[] = [];
    if (createHash('sha256').update(data).digest('hex') !== packId)
      issues.push('content does not match its name (sha256)');
    try {
      const header = parseHeader(repo.key, data, data.length);
      if (!sameBlobs(header, entries)) issues.push('header does not match the index');
    } catch (err) {
      issues.push(`header unreadable: ${message(err)}`);
    }
    const bad: PackProblem['badBlobs'] = [];
    for (const e of entries) {
      try {
        if (e.offset + e.length > data.length)
          throw new LifeboatError('REPO_CORRUPT', 'blob lies beyond the end of the pack');
        repo.decodeBlob(e, data.subarray(e.offset, e.offset + e.length));
      } catch (err) {
        if (!(err instanceof LifeboatError)) throw err;
        bad.push({ type: e.type, id: e.id });
      }
    }
    if (bad.length > 0) issues.push(`${bad.length} of ${entries.length} blobs are damaged`);
    if (issues.length > 0)
      problems.push({ packId, message: `pack ${packId.slice(0, 8)}: ${issues.join('; ')}`, badBlobs: bad });
  });
  return problems;
}

/** Picks a random subset of packs, like restic's --read-data-subset=x%. */
export function selectPacks(packIds: readonly string[], fraction: number): string[] {
  if (fraction >= 1) return [...packIds];
  let n = Math.floor(packIds.length * Math.max(0, fraction));
  if (packIds.length > 0 && n < 1) n = 1;
  const shuffled = [...packIds];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as string, shuffled[i] as string];
  }
  return shuffled.slice(0, n);
}
