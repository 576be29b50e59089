/**
 * The backup pipeline's stream sources without a database server: a big stream is chunked and
 * deduplicated against the previous snapshot, a stream that fails midway is never stored as if it
 * were complete (nor its info file), a cancel stops the producer, and a folder cannot shadow a
 * source's snapshot folder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import type { StreamEntry, StreamSource } from '../../../src/engine/repo/backup/archiver.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { snapshotFileStream, snapshotFolderFiles } from '../../../src/engine/sources/snapshot-restore.ts';
import { readAll } from '../../../src/engine/sources/tools/run-tool.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { csvText, fastKdf } from '../../helpers/backup-fixtures.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'lb-stream-'));

async function newRepo(name: string): Promise<Repository> {
  return Repository.init(new LocalBackend(path.join(root, name)), 'pw', { kdf: fastKdf });
}

/** Streams `data` in 64 KiB pieces; after `failAfter` bytes it errors instead of ending. */
function pieces(data: Buffer, failAfter?: number, onDestroy?: () => void): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && offset >= failAfter) {
        this.destroy(new LifeboatError('DUMP_FAILED', 'pg_dump could not back up "crm".'));
        return;
      }
      if (offset >= data.length) return void this.push(null);
      this.push(data.subarray(offset, offset + 64 * 1024));
      offset += 64 * 1024;
    },
    destroy(err, cb) {
      onDestroy?.();
      cb(err);
    },
  });
}

function fakeSource(dump: () => Readable, name = 'crm'): StreamSource {
  const mtime = new Date('2026-05-01T10:00:00Z');
  const info = Buffer.from('{"database":"crm"}\n');
  const entries: StreamEntry[] = [
    {
      path: `fake/${name}.info.json`,
      mode: 0o600,
      mtime,
      size: info.length,
      open: async () => Readable.from([info]),
    },
    { path: `fake/${name}.sql`, mode: 0o600, mtime, open: async () => dump() },
  ];
  return {
    path: `/fake/${name}.sql`,
    entries: async function* () {
      yield* entries;
    },
  };
}

describe('stream sources in the backup pipeline', () => {
  it('chunks a big stream, restores its exact bytes, and stores only changed chunks the next time', async () => {
    const repo = await newRepo('repo-dedup');
    const dump = csvText(40 * 1024 * 1024, 7);
    const first = await backup(repo, { paths: [], streams: [fakeSource(() => pieces(dump))], workers: 2 });
    expect(first.snapshot.paths).toEqual(['/fake/crm.sql']);
    const sn = await repo.resolveSnapshot(first.snapshotId!);
    const files = await snapshotFolderFiles(repo, sn, 'fake');
    const node = files.get('fake/crm.sql')!;
    expect(node.size).toBe(dump.length);
    expect((await readAll(snapshotFileStream(repo, node))).equals(dump)).toBe(true);
    expect(node.mode! & 0o777).toBe(0o600);

    const changed = Buffer.from(dump);
    changed.write('CHANGED ROW', 20 * 1024 * 1024);
    const second = await backup(repo, {
      paths: [],
      streams: [fakeSource(() => pieces(changed))],
      workers: 2,
    });
    expect(second.snapshot.parent).toBe(first.snapshotId);
    // one or two chunks around the change (FastCDC resynchronizes), not the whole stream
    expect(second.summary.data_added).toBeLessThan(dump.length * 0.25);
    expect(second.summary.files_changed).toBe(1); // the dump (the info file is unchanged)
  }, 60_000);

  it('a stream that fails midway is left out entirely, with its info file; alone, it fails the backup', async () => {
    const repo = await newRepo('repo-fail');
    const dump = csvText(24 * 1024 * 1024, 3);
    const folder = path.join(root, 'docs');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'a.txt'), 'a');
    const mixed = await backup(repo, {
      paths: [folder],
      streams: [fakeSource(() => pieces(dump, 10 * 1024 * 1024))],
    });
    expect(mixed.partial).toBe(true);
    expect(mixed.warnings).toEqual([expect.objectContaining({ path: '/fake/crm.sql', code: 'DUMP_FAILED' })]);
    const sn = await repo.resolveSnapshot(mixed.snapshotId!);
    expect(sn.paths).toEqual([folder]);
    expect((await snapshotFolderFiles(repo, sn, 'fake')).size).toBe(0);

    await expect(
      backup(repo, { paths: [], streams: [fakeSource(() => pieces(dump, 10 * 1024 * 1024))] }),
    ).rejects.toMatchObject({ code: 'DUMP_FAILED' });
    expect((await repo.listSnapshots()).length).toBe(1);
  }, 60_000);

  it('a cancel stops the producer and writes no snapshot', async () => {
    const repo = await newRepo('repo-cancel');
    const stop = new AbortController();
    let destroyed = false;
    const endless = () => {
      let sent = 0;
      return new Readable({
        read() {
          sent += 1024 * 1024;
          if (sent > 8 * 1024 * 1024) stop.abort();
          setTimeout(() => this.push(csvText(1024 * 1024, sent)), 1);
        },
        destroy(err, cb) {
          destroyed = true;
          cb(err);
        },
      });
    };
    await expect(
      backup(repo, { paths: [], streams: [fakeSource(endless)], signal: stop.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(destroyed).toBe(true);
    expect(await repo.listSnapshots()).toEqual([]);
  }, 30_000);

  it('refuses a folder whose first name is a source folder of the snapshot', async () => {
    const repo = await newRepo('repo-clash');
    const clash = fakeSource(() => pieces(Buffer.from('x')));
    const top = root.split(path.sep).filter(Boolean)[0]!;
    const shadow: StreamSource = { ...clash, path: `/${top}/crm.sql` };
    await expect(backup(repo, { paths: [root], streams: [shadow] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
