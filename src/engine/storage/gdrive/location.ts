import { LifeboatError } from '../../../shared/errors.ts';

export const gdriveScheme = 'gdrive:';

/**
 * `gdrive:FOLDER` → the folder path under My Drive, split into names: `gdrive:Lifeboat Backups/shop`
 * → ['Lifeboat Backups', 'shop']. Leading and trailing slashes are ignored; empty, `.` and `..`
 * segments and control characters are refused.
 */
export function parseGdriveLocation(location: string): string[] {
  if (!location.startsWith(gdriveScheme)) {
    throw new LifeboatError('INVALID_ARGUMENT', `Not a Google Drive location: ${location}`, {
      hint: 'Google Drive locations look like gdrive:Lifeboat Backups/shop.',
    });
  }
  return parseFolderPath(location.slice(gdriveScheme.length));
}

export function parseFolderPath(folder: string): string[] {
  const trimmed = folder.replace(/^\/+|\/+$/g, '');
  const parts = trimmed.split('/');
  const bad =
    trimmed.length === 0 ||
    parts.some((p) => p.trim().length === 0 || p === '.' || p === '..' || [...p].some(isControl));
  if (bad) {
    throw new LifeboatError('INVALID_ARGUMENT', `Invalid Google Drive folder ${JSON.stringify(folder)}.`, {
      hint: 'Give a folder under My Drive, for example gdrive:Lifeboat Backups/shop.',
    });
  }
  return parts;
}

function isControl(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return c < 0x20 || c === 0x7f;
}

export function formatGdriveLocation(folderPath: readonly string[]): string {
  return `${gdriveScheme}${folderPath.join('/')}`;
}
