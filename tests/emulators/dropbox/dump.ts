/** Copies what the emulator holds below a Dropbox folder into a local folder (for `restic check`). */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DropboxEmulator } from './server.ts';

export async function dumpDropboxFolder(emulator: DropboxEmulator, dropboxPath: string, localDir: string): Promise<number> {
  const root = emulator.store.get(dropboxPath);
  if (!root || root.kind !== 'folder') throw new Error(`${dropboxPath} is not a folder in the emulator`);
  await fs.mkdir(localDir, { recursive: true });
  let files = 0;
  for (const node of emulator.store.children(root.pathDisplay, true)) {
    const rel = node.pathDisplay.slice(root.pathDisplay.length + 1);
    const target = path.join(localDir, ...rel.split('/'));
    if (node.kind === 'folder') {
      await fs.mkdir(target, { recursive: true });
    } else {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, node.data);
      files++;
    }
  }
  return files;
}
