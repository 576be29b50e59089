/**
 * A source path as the names of the tree nodes that lead to it from the snapshot's root, the way
 * restic stores them: `/srv/crm` → srv, crm. On Windows the volume comes first, a drive without its
 * colon (`C:\CRM\files` → C, CRM, files; restic shows it as /C/CRM/files) and a network share as its
 * whole name (`\\nas\crm\files` → \\nas\crm, files), so that backups of two drives never mix and
 * restic restores them the same way.
 */
import path from 'node:path';

export type PathApi = typeof path.posix;

/** The path rules of this computer. */
export const platformPath: PathApi = process.platform === 'win32' ? path.win32 : path.posix;

export interface PathComponent {
  /** The node's name in the snapshot. */
  name: string;
  /** Where it is on this computer (the volume's root for the volume). */
  path: string;
}

/** `absolute` must be absolute and normalized (path.resolve). */
export function pathComponents(absolute: string, p: PathApi = platformPath): PathComponent[] {
  const { root } = p.parse(absolute);
  const components: PathComponent[] = [];
  let at = root;
  if (p.sep === '\\') {
    const volume = root.replace(/[\\/]+$/, '');
    components.push({ name: /^[A-Za-z]:$/.test(volume) ? volume[0]!.toUpperCase() : volume, path: root });
  }
  for (const name of absolute.slice(root.length).split(p.sep)) {
    if (!name) continue;
    at = p.join(at, name);
    components.push({ name, path: at });
  }
  return components;
}
