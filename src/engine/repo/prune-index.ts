/**
 * The index as prune needs it: every index file with its own content (to know which files to
 * rewrite), and replacing files crash-safely: new index files first, each naming the old files it
 * replaces in `supersedes`; only then are the old files deleted. A crash in between never leaves a
 * needed pack listed nowhere.
 */
import type { Backend } from '../storage/backend.ts';
import { LifeboatError } from '../../shared/errors.ts';
import { mapLimit } from './concurrency.ts';
import { decodeIndexFile, encodeIndexFile, maxBlobsPerIndexFile } from './index-file.ts';
import type { IndexFileContent, IndexPack } from './index-file.ts';
import type { PackedBlob } from './pack.ts';
import type { Repository } from './repository.ts';

export interface IndexSet {
  /** Every index file present, by name. */
  files: Map<string, IndexFileContent>;
  /** Files that another present file supersedes (their content is ignored). */
  superseded: Set<string>;
  /** Packs of the current (not superseded) files, each once. */
  packs: Map<string, PackedBlob[]>;
  /** Packs that only superseded files list. */
  obsoleteOnly: Set<string>;
}

/** Loads every index file and fills `repo.index` from the current ones. */
export async function loadIndexSet(repo: Repository, signal?: AbortSignal): Promise<IndexSet> {
  const names = (await repo.backend.list('index')).map((f) => f.name).sort();
  const files = new Map<string, IndexFileContent>();
  await mapLimit(names, 8, async (name) => {
    signal?.throwIfAborted();
    files.set(name, decodeIndexFile(await repo.loadUnpackedBytes('index', name)));
  });
  const superseded = new Set<string>();
  for (const content of files.values())
    for (const s of content.supersedes) if (files.has(s)) superseded.add(s);

  // A pack may be listed by several files (interrupted prune, old restic): merge by offset.
  const merged = new Map<string, Map<number, PackedBlob>>();
  const inSuperseded = new Set<string>();
  for (const name of names) {
    const content = files.get(name) as IndexFileContent;
    for (const p of content.packs) {
      if (superseded.has(name)) {
        inSuperseded.add(p.id);
        continue;
      }
      let blobs = merged.get(p.id);
      if (!blobs) merged.set(p.id, (blobs = new Map()));
      for (const b of p.blobs) if (!blobs.has(b.offset)) blobs.set(b.offset, b);
    }
  }
  const packs = new Map<string, PackedBlob[]>();
  for (const [id, blobs] of merged)
    packs.set(
      id,
      [...blobs.values()].sort((a, b) => a.offset - b.offset),
    );
  const obsoleteOnly = new Set([...inSuperseded].filter((id) => !packs.has(id)));

  repo.index.clear();
  for (const [id, blobs] of packs) repo.index.addPack(id, blobs);
  return { files, superseded, packs, obsoleteOnly };
}

export interface IndexRewrite {
  written: string[];
  deleted: string[];
}

interface NewFile {
  packs: IndexPack[];
  supersedes: string[];
}

/**
 * Replaces the index files that list a dropped pack (or repeat a pack another kept file lists)
 * with new files, and indexes `added`. Each new file supersedes exactly the old files whose packs
 * it carries over, so at every moment each pack is listed by one current file (restic, which
 * ignores `supersedes`, sees some packs twice, which it tolerates). Old files are deleted only
 * after all new ones exist; a failed delete aborts, because the caller must not delete packs an
 * index still lists.
 */
export async function rewriteIndex(
  repo: Repository,
  set: IndexSet,
  drop: ReadonlySet<string>,
  added: readonly IndexPack[],
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<IndexRewrite> {
  const rewritten: string[] = [];
  const seen = new Set<string>();
  for (const [name, content] of [...set.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (set.superseded.has(name)) continue;
    if (content.packs.some((p) => drop.has(p.id) || seen.has(p.id))) rewritten.push(name);
    else for (const p of content.packs) seen.add(p.id);
  }

  // New packs first: no other file lists them. Then the carried-over packs, grouped by old file.
  const files: NewFile[] = [];
  const newPacks = added.filter((p) => !seen.has(p.id));
  for (const p of newPacks) seen.add(p.id);
  for (const packs of splitBatches(newPacks)) files.push({ packs, supersedes: [] });
  let group: NewFile = { packs: [], supersedes: [] };
  let groupBlobs = 0;
  for (const name of rewritten) {
    const carried: IndexPack[] = [];
    for (const p of (set.files.get(name) as IndexFileContent).packs) {
      if (drop.has(p.id) || seen.has(p.id)) continue;
      seen.add(p.id);
      carried.push({ id: p.id, blobs: set.packs.get(p.id) ?? p.blobs });
    }
    if (carried.length === 0) continue; // lists only dropped packs: simply deleted below
    const blobs = carried.reduce((n, p) => n + p.blobs.length, 0);
    if (group.packs.length > 0 && groupBlobs + blobs > maxBlobsPerIndexFile) {
      files.push(group);
      group = { packs: [], supersedes: [] };
      groupBlobs = 0;
    }
    group.packs.push(...carried);
    group.supersedes.push(name);
    groupBlobs += blobs;
  }
  if (group.packs.length > 0) files.push(group);

  // Superseded files go first, so none becomes current again when its superseder is deleted.
  const obsolete = [...[...set.superseded].sort(), ...rewritten];
  const total = files.length + obsolete.length;
  let done = 0;
  const written: string[] = [];
  for (const f of files) {
    opts.signal?.throwIfAborted();
    written.push(await repo.saveUnpackedBytes('index', encodeIndexFile(f.packs, f.supersedes)));
    opts.onProgress?.(++done, total);
  }
  const deleted: string[] = [];
  for (const name of obsolete) {
    opts.signal?.throwIfAborted();
    await removeChecked(repo.backend, name);
    deleted.push(name);
    opts.onProgress?.(++done, total);
  }
  return { written, deleted };
}

function splitBatches(packs: readonly IndexPack[]): IndexPack[][] {
  const out: IndexPack[][] = [];
  let batch: IndexPack[] = [];
  let blobs = 0;
  for (const p of packs) {
    if (batch.length > 0 && blobs + p.blobs.length > maxBlobsPerIndexFile) {
      out.push(batch);
      batch = [];
      blobs = 0;
    }
    batch.push(p);
    blobs += p.blobs.length;
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

async function removeChecked(backend: Backend, name: string): Promise<void> {
  try {
    await backend.remove('index', name);
  } catch (err) {
    if (err instanceof LifeboatError && err.code === 'NOT_FOUND') return;
    throw err;
  }
}
