/**
 * What a snapshot says it contains: every file with its size and the ids (SHA-256) and sizes of
 * its content blobs, in order, and every symlink with its target. This is the yardstick the
 * restored sandbox is measured against.
 */
import { cryptoOverhead } from '../../repo/crypto.ts';
import { walkTree } from '../../repo/ls.ts';
import type { Repository } from '../../repo/repository.ts';

export interface ExpectedBlob {
  id: string;
  /** Plaintext length; undefined when the blob is not in the index (restore reports that file). */
  size: number | undefined;
}

export interface ExpectedFile {
  path: string;
  size: number;
  blobs: ExpectedBlob[];
}

export interface ExpectedSymlink {
  path: string;
  /** undefined for a target stored as raw bytes (not valid UTF-8): only its presence is checked. */
  target: string | undefined;
}

export interface SnapshotContents {
  files: ExpectedFile[];
  symlinks: ExpectedSymlink[];
  dirs: number;
  /** Devices, FIFOs, sockets: restore leaves them out. */
  special: number;
  bytes: number;
}

export async function readSnapshotContents(
  repo: Repository,
  treeId: string,
  signal?: AbortSignal,
): Promise<SnapshotContents> {
  await repo.ensureIndex();
  const out: SnapshotContents = { files: [], symlinks: [], dirs: 0, special: 0, bytes: 0 };
  for await (const { path, node } of walkTree(repo, treeId, signal ? { signal } : {})) {
    switch (node.type) {
      case 'file': {
        const blobs = (node.content ?? []).map((id): ExpectedBlob => {
          const e = repo.lookupBlob('data', id);
          return { id, size: e ? (e.uncompressedLength ?? e.length - cryptoOverhead) : undefined };
        });
        out.files.push({ path, size: node.size ?? 0, blobs });
        out.bytes += node.size ?? 0;
        break;
      }
      case 'dir':
        out.dirs++;
        break;
      case 'symlink':
        out.symlinks.push({ path, target: node.linktarget_raw ? undefined : (node.linktarget ?? '') });
        break;
      default:
        out.special++;
    }
  }
  return out;
}
