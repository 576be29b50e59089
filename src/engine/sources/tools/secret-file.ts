/**
 * A password file only the current user can read (0600 inside a fresh 0700 folder), for tools that
 * take credentials from a file (PGPASSFILE, mysql --defaults-extra-file). Removed after use.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SecretFile {
  path: string;
  dispose(): Promise<void>;
}

export async function createSecretFile(name: string, content: string, tempDir?: string): Promise<SecretFile> {
  const dir = await mkdtemp(join(tempDir ?? tmpdir(), 'lifeboat-cred-'));
  const path = join(dir, name);
  try {
    await writeFile(path, content, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  let disposed = false;
  return {
    path,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
