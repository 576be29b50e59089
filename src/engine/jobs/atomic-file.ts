import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces a file so that a crash leaves either the old or the new content, never a torn mix: write a
 * temporary file next to it, flush it to disk, rename it over the old one.
 */
export async function writeFileAtomic(file: string, content: string, mode = 0o600): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Appends one line and flushes it, so a finished run is on disk before anyone is told about it. */
export async function appendLine(file: string, line: string, mode = 0o600): Promise<void> {
  const handle = await open(file, 'a', mode);
  try {
    await handle.appendFile(line.endsWith('\n') ? line : `${line}\n`, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
