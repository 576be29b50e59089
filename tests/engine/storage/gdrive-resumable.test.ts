/**
 * Resumable uploads against the strict emulator: a connection dropped in the middle of a chunk is
 * resumed from the byte after the server's Range (status query `bytes *\/N` → 308), the result is
 * byte-identical; every chunk we send is a 256 KiB multiple except the last (the emulator rejects
 * anything else, shown here with a raw request); lost sessions and lost final answers are handled.
 * Also measures upload/download throughput against the emulator.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendFor, startEmulator } from '../../emulators/gdrive/fixtures.ts';
import type { DriveEmulator } from '../../emulators/gdrive/fixtures.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
let emu: DriveEmulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

const newName = (): string => randomBytes(32).toString('hex');
const chunkPuts = (from: number) =>
  emu.log
    .slice(from)
    .filter((r) => r.method === 'PUT' && r.contentRange && !r.contentRange.startsWith('bytes */'));

function rangeOf(header: string): { start: number; end: number; total: number } {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header)!;
  return { start: Number(m[1]), end: Number(m[2]), total: Number(m[3]) };
}

describe('resumable uploads', () => {
  it('resume after a connection reset mid-chunk from the server’s Range, byte for byte', async () => {
    const b = backendFor(emu, 'resumable/reset', { chunkSize: 4 * MiB });
    await b.create();
    const name = newName();
    const data = randomBytes(11 * MiB + 12345);
    const from = emu.log.length;
    // the second chunk dies after 3 MiB + 1000 bytes arrived; the server keeps 3 MiB of it
    emu.injectFault({
      kind: 'reset-mid-body',
      afterBytes: 3 * MiB + 1000,
      match: (r) => r.contentRange?.startsWith(`bytes ${4 * MiB}-`) ?? false,
    });
    await b.write('data', name, data);

    const log = emu.log.slice(from);
    const reset = log.findIndex((r) => r.fault === 'reset-mid-body');
    expect(reset).toBeGreaterThan(0);
    expect(log[reset]!.status).toBe('reset');
    const query = log[reset + 1]!;
    expect(query.contentRange).toBe(`bytes */${data.length}`);
    expect(query.status).toBe(308);
    const resumed = log[reset + 2]!;
    expect(rangeOf(resumed.contentRange!).start).toBe(7 * MiB); // 4 MiB + the 3 MiB the server kept
    expect(b.driveStats().resumedUploads).toBe(1);

    const stored = emu.files().filter((f) => f.name === name);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.content!.equals(data)).toBe(true);
    expect((await b.read('data', name)).equals(data)).toBe(true);
  });

  it('never sends a chunk that is not a multiple of 256 KiB, except the last', async () => {
    const sizes = [5 * MiB + 1, 8 * MiB + 1, 6 * MiB + 256 * KiB];
    for (const chunkSize of [256 * KiB, 1280 * KiB, 8 * MiB]) {
      const b = backendFor(emu, `resumable/chunks-${chunkSize}`, { chunkSize });
      await b.create();
      for (const size of sizes) {
        const from = emu.log.length;
        emu.injectFault({ kind: 'reset-mid-body', match: (r) => r.isChunk && !r.isStatusQuery });
        const data = randomBytes(size);
        const name = newName();
        await b.write('data', name, data);
        const puts = chunkPuts(from).filter((r) => r.status !== 'reset');
        expect(puts.length).toBeGreaterThan(0);
        for (const p of puts) {
          const r = rangeOf(p.contentRange!);
          const len = r.end - r.start + 1;
          expect(r.total).toBe(size);
          if (r.end + 1 < r.total) expect(len % (256 * KiB)).toBe(0);
          expect(len).toBeLessThanOrEqual(chunkSize);
          expect(p.status === 308 || p.status === 200).toBe(true);
        }
        expect(rangeOf(puts[puts.length - 1]!.contentRange!).end).toBe(size - 1);
        expect(
          emu
            .files()
            .find((f) => f.name === name)!
            .content!.equals(data),
        ).toBe(true);
      }
    }
    expect(emu.log.filter((r) => r.method === 'PUT' && r.status === 400)).toEqual([]);
  });

  it('the emulator rejects what Drive rejects: a short non-final chunk, a gap, a wrong total', async () => {
    const b = backendFor(emu, 'resumable/raw');
    await b.create();
    const token = emu.oauth.issueAccessToken(emu.clientId, ['https://www.googleapis.com/auth/drive.file']);
    const parent = emu.folders('resumable/raw/data')[0]!.id;
    const start = await fetch(
      `${emu.url}upload/drive/v3/files?uploadType=resumable&fields=id,size,md5Checksum`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json; charset=UTF-8',
          'x-upload-content-length': String(1 * MiB),
        },
        body: JSON.stringify({ name: 'raw', parents: [parent] }),
      },
    );
    expect(start.status).toBe(200);
    const session = start.headers.get('location')!;
    expect(session).toContain('upload_id=');
    const put = (range: string, body: Uint8Array) =>
      fetch(session, { method: 'PUT', headers: { 'content-range': range }, body, redirect: 'manual' });

    const short = await put(`bytes 0-99999/${MiB}`, new Uint8Array(100_000));
    expect(short.status).toBe(400);
    const err = (await short.json()) as {
      error: { code: number; message: string; errors: { reason: string }[] };
    };
    expect(err.error.code).toBe(400);
    expect(err.error.message).toMatch(/262144/);
    expect(err.error.errors[0]!.reason).toBe('badRequest');

    const ok = await put(`bytes 0-${256 * KiB - 1}/${MiB}`, new Uint8Array(256 * KiB));
    expect(ok.status).toBe(308);
    expect(ok.headers.get('range')).toBe(`bytes=0-${256 * KiB - 1}`);
    expect(ok.headers.get('location')).toBeNull(); // a Location on a 308 would be followed as a redirect
    expect((await put(`bytes ${512 * KiB}-${768 * KiB - 1}/${MiB}`, new Uint8Array(256 * KiB))).status).toBe(
      400,
    ); // gap
    expect(
      (await put(`bytes ${256 * KiB}-${512 * KiB - 1}/${2 * MiB}`, new Uint8Array(256 * KiB))).status,
    ).toBe(400); // total
    expect((await put(`bytes ${256 * KiB}-${512 * KiB - 1}/${MiB}`, new Uint8Array(1000))).status).toBe(400); // length
    const status = await put(`bytes */${MiB}`, new Uint8Array(0));
    expect(status.status).toBe(308);
    expect(status.headers.get('range')).toBe(`bytes=0-${256 * KiB - 1}`);
    const last = await put(`bytes ${256 * KiB}-${MiB - 1}/${MiB}`, new Uint8Array(768 * KiB));
    expect(last.status).toBe(200);
    const file = (await last.json()) as { id: string; size: string; md5Checksum: string };
    expect(file.size).toBe(String(MiB)); // int64 as a string, like Drive
    expect(file.md5Checksum).toMatch(/^[0-9a-f]{32}$/);
    expect((await put(`bytes */${MiB}`, new Uint8Array(0))).status).toBe(200); // finished: the file again
    const gone = await fetch(`${emu.url}upload/drive/v3/files?uploadType=resumable&upload_id=nope`, {
      method: 'PUT',
      headers: { 'content-range': `bytes */${MiB}` },
    });
    expect(gone.status).toBe(404);
  });

  it('a lost answer to the last chunk: the status query finds the finished file, no duplicate', async () => {
    const b = backendFor(emu, 'resumable/lost-final', { chunkSize: MiB });
    await b.create();
    const name = newName();
    const data = randomBytes(6 * MiB + 7);
    emu.injectFault({
      kind: 'reset-after',
      match: (r) => r.contentRange?.endsWith(`-${data.length - 1}/${data.length}`) ?? false,
    });
    await b.write('data', name, data);
    expect(emu.files().filter((f) => f.name === name)).toHaveLength(1);
    expect(b.driveStats().duplicatesRemoved).toBe(0);
  });

  it('a session the server forgot is started over, after checking the file is not there', async () => {
    const b = backendFor(emu, 'resumable/lost-session', { chunkSize: MiB });
    await b.create();
    const name = newName();
    const data = randomBytes(7 * MiB);
    const from = emu.log.length;
    let dropped = false;
    emu.injectFault({
      kind: 'error-503',
      match: (r) => {
        if (!dropped && r.isChunk && r.contentRange?.startsWith(`bytes ${3 * MiB}-`)) {
          dropped = true;
          emu.sessions.clear(); // expired on the server side
          return true;
        }
        return false;
      },
    });
    await b.write('data', name, data);
    const stored = emu.files().filter((f) => f.name === name);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.content!.equals(data)).toBe(true);
    const starts = emu.log
      .slice(from)
      .filter(
        (r) => r.method === 'POST' && r.uploadType === 'resumable' && r.path === '/upload/drive/v3/files',
      );
    expect(starts.length).toBeGreaterThanOrEqual(2); // a second session
  });
});

describe('throughput against the emulator (loopback, for regressions, not for Drive)', () => {
  it('uploads and downloads 64 MiB', async () => {
    const b = backendFor(emu, 'resumable/throughput');
    await b.create();
    const files = Array.from({ length: 4 }, () => ({ name: newName(), data: randomBytes(16 * MiB) }));
    let t = performance.now();
    await Promise.all(files.slice(0, 2).map((f) => b.write('data', f.name, f.data)));
    await Promise.all(files.slice(2).map((f) => b.write('data', f.name, f.data)));
    const up = (64 / (performance.now() - t)) * 1000;
    t = performance.now();
    for (const f of files) expect((await b.read('data', f.name)).equals(f.data)).toBe(true);
    const down = (64 / (performance.now() - t)) * 1000;
    t = performance.now();
    const small = Array.from({ length: 100 }, () => ({ name: newName(), data: randomBytes(2000) }));
    for (const f of small) await b.write('index', f.name, f.data);
    const perSmall = (performance.now() - t) / small.length;
    console.log(
      `gdrive emulator: upload ${up.toFixed(0)} MiB/s (8 MiB resumable chunks, 2 parallel), ` +
        `download ${down.toFixed(0)} MiB/s, small-file write ${perSmall.toFixed(1)} ms (lookup + multipart)`,
    );
    expect(up).toBeGreaterThan(5);
  });
});
