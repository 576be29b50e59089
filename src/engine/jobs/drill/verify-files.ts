/**
 * Checks the restored sandbox against the snapshot, reading every restored file back from disk:
 * its size, and the SHA-256 of each stretch of bytes that should hold one content blob (a blob's
 * id is the SHA-256 of its plaintext, so this proves the bytes on disk are exactly the bytes that
 * were backed up, independently of the checks restore made while writing). A SHA-256 of the whole
 * file is kept for the report. The first bytes are kept to recognise SQLite files.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DrillProblem } from './drill-types.ts';
import type { ExpectedFile, ExpectedSymlink } from './snapshot-contents.ts';

export interface VerifiedFile {
  path: string;
  size: number;
  sha256: string;
  /** The first 16 bytes ("SQLite format 3\0" for SQLite). */
  head: Buffer;
}

const chunkSize = 1024 * 1024;

/** Absolute sandbox path of a snapshot path ("/srv/crm/a.db"). */
export function sandboxPath(sandbox: string, snapshotPath: string): string {
  return path.join(sandbox, ...snapshotPath.split('/').filter((s) => s !== ''));
}

export async function verifyFile(
  sandbox: string,
  expected: ExpectedFile,
  signal?: AbortSignal,
): Promise<VerifiedFile | DrillProblem> {
  const abs = sandboxPath(sandbox, expected.path);
  const problem = (kind: DrillProblem['kind'], detail: string): DrillProblem => ({
    kind,
    path: expected.path,
    detail,
  });
  let st;
  try {
    st = await fs.lstat(abs);
  } catch (err) {
    return problem(
      'missing',
      `Not found after the restore (${(err as NodeJS.ErrnoException).code ?? String(err)}).`,
    );
  }
  if (!st.isFile()) return problem('missing', 'Restored as something other than a regular file.');
  if (st.size !== expected.size)
    return problem('size', `The restored file has ${st.size} bytes; the backup recorded ${expected.size}.`);

  let fh: fs.FileHandle;
  try {
    fh = await openForReading(abs);
  } catch (err) {
    return problem(
      'missing',
      `The restored file could not be opened (${(err as NodeJS.ErrnoException).code ?? String(err)}).`,
    );
  }
  try {
    const whole = createHash('sha256');
    const head = Buffer.alloc(Math.min(16, expected.size));
    const buf = Buffer.allocUnsafe(chunkSize);
    let offset = 0;
    const blobs = expected.blobs.every((b) => b.size !== undefined) ? expected.blobs : undefined;
    // Without every blob's size the stretches are unknown: fall back to size only (and the restore's own checks).
    const stretches = blobs ?? [{ id: '', size: expected.size }];
    for (const blob of stretches) {
      const part = createHash('sha256');
      let left = blob.size as number;
      const start = offset;
      while (left > 0) {
        signal?.throwIfAborted();
        const { bytesRead } = await fh.read(buf, 0, Math.min(chunkSize, left), offset);
        if (bytesRead === 0)
          return problem(
            'size',
            `The restored file ends at byte ${offset}; the backup recorded ${expected.size}.`,
          );
        const slice = buf.subarray(0, bytesRead);
        if (offset < head.length) slice.copy(head, offset, 0, Math.min(bytesRead, head.length - offset));
        part.update(slice);
        whole.update(slice);
        offset += bytesRead;
        left -= bytesRead;
      }
      if (blobs && part.digest('hex') !== blob.id)
        return problem(
          'checksum',
          `Bytes ${start}–${offset - 1} differ from what was backed up (blob ${blob.id.slice(0, 8)}).`,
        );
    }
    if (offset !== expected.size)
      return problem(
        'size',
        `The content blobs add up to ${offset} bytes; the backup recorded ${expected.size}.`,
      );
    return { path: expected.path, size: expected.size, sha256: whole.digest('hex'), head };
  } catch (err) {
    if (signal?.aborted) throw err;
    return problem(
      'missing',
      `The restored file could not be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`,
    );
  } finally {
    await fh.close();
  }
}

/** Opens a restored file even if the backup gave it no read permission (it is our sandbox). */
async function openForReading(abs: string): Promise<fs.FileHandle> {
  try {
    return await fs.open(abs, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
    await fs.chmod(abs, 0o600);
    return fs.open(abs, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  }
}

export async function verifySymlink(
  sandbox: string,
  expected: ExpectedSymlink,
): Promise<DrillProblem | undefined> {
  const abs = sandboxPath(sandbox, expected.path);
  try {
    const target = await fs.readlink(abs);
    if (expected.target !== undefined && target !== expected.target)
      return {
        kind: 'symlink',
        path: expected.path,
        detail: `Points to ${target}; the backup recorded ${expected.target}.`,
      };
    return undefined;
  } catch (err) {
    return {
      kind: 'symlink',
      path: expected.path,
      detail: `Not restored as a link (${(err as NodeJS.ErrnoException).code ?? String(err)}).`,
    };
  }
}

/**
 * Makes every folder of the sandbox readable and writable for us: a backed-up folder may be
 * read-only (restore gives it its recorded mode last), which would stop verification and the
 * final delete for a non-root user.
 */
export async function unlockSandbox(dir: string): Promise<void> {
  const st = await fs.lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) return;
  if ((st.mode & 0o700) !== 0o700) await fs.chmod(dir, (st.mode & 0o7777) | 0o700).catch(() => undefined);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) await unlockSandbox(path.join(dir, name));
}
