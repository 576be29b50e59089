/**
 * `dropbox:/Apps/Lifeboat/shop` → the folder "/Apps/Lifeboat/shop" in the signed-in Dropbox.
 * With an "App folder" app, Dropbox roots every path in /Apps/<app name>, so the same string
 * means a folder inside the app's own folder.
 */
import { LifeboatError } from '../../../shared/errors.ts';
import type { FileType } from '../backend.ts';

export const dropboxScheme = 'dropbox:';

export function isDropboxLocation(location: string): boolean {
  return location.toLowerCase().startsWith(dropboxScheme);
}

/** The repository folder as a Dropbox path: "" for the root, otherwise "/a/b" (no trailing slash). */
export function parseDropboxLocation(location: string): string {
  if (!isDropboxLocation(location)) {
    throw new LifeboatError('INVALID_ARGUMENT', `Not a Dropbox location: ${location}`, {
      hint: 'Write it as dropbox:/folder/in/dropbox',
    });
  }
  const raw = location.slice(dropboxScheme.length).replace(/\\/g, '/');
  const parts = raw.split('/').filter((p) => p !== '');
  for (const p of parts) {
    const control = [...p].some((c) => c.charCodeAt(0) < 0x20);
    if (p === '.' || p === '..' || control || p !== p.trim()) {
      throw new LifeboatError('INVALID_ARGUMENT', `Invalid Dropbox folder: ${location}`, {
        hint: 'Folder names must not be "." or "..", contain control characters, or start or end with spaces.',
      });
    }
  }
  return parts.length === 0 ? '' : `/${parts.join('/')}`;
}

export function formatDropboxLocation(root: string): string {
  return `${dropboxScheme}${root || '/'}`;
}

/** restic's layout under the repository folder. */
export function typeFolder(root: string, type: Exclude<FileType, 'config'>): string {
  return `${root}/${type}`;
}

export function filePath(root: string, type: FileType, name: string): string {
  if (type === 'config') return `${root}/config`;
  if (type === 'data') return `${root}/data/${name.slice(0, 2)}/${name}`;
  return `${root}/${type}/${name}`;
}
