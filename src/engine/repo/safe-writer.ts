/**
 * Writes restored entries below a root folder without ever leaving it: every parent is checked
 * with lstat and must be a real folder (never a symlink); files go to an O_EXCL|O_NOFOLLOW
 * temporary name and are renamed into place; symlinks and hard links are made the same way.
 *
 * Run as root, entries get their owner and group back (numeric ids, as restic does): a self-hosted
 * CRM's uploads belong to its web server's user, which must be able to write them again. Setuid and
 * setgid bits are never restored (a repository could otherwise hand out privileges). A file system
 * that cannot store the owner (or ids this system cannot map) keeps the restored content as it is.
 *
 * No fsync: a restore writes a copy of data that stays safe in the repository, and restic does not
 * sync either. The rename makes each file appear complete or not at all to other programs; after a
 * power cut the worst case is a file that must be restored again.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LifeboatError } from '../../shared/errors.ts';
import { errnoCode, fsError } from '../storage/fs-errors.ts';
import { parseGoTime } from './go-time.ts';
import { displayPath } from './restore-plan.ts';
import type { PlanItem } from './restore-plan.ts';
import { posixPermFromGoMode } from './tree.ts';
import type { TreeNode } from './tree.ts';

function toSeconds(text: string): number {
  // fs.utimes takes seconds as a double, which keeps ~0.25 µs of a current timestamp.
  const ns = parseGoTime(text);
  const secs = ns / 1_000_000_000n;
  return Number(secs) + Number(ns - secs * 1_000_000_000n) / 1e9;
}

/** A file being restored: written under `tmp`, renamed to `dest` when complete. */
export interface TempFile {
  item: PlanItem;
  dest: string;
  tmp: string;
  handle: fs.FileHandle;
}

export class SafeWriter {
  private readonly root: string;
  private readonly overwrite: boolean;
  private readonly owners: boolean;
  private readonly verified = new Set<string>();

  constructor(root: string, overwrite: boolean, owners = false) {
    this.root = root;
    this.overwrite = overwrite;
    this.owners = owners;
  }

  /** Gives `p` (never followed) or the open file the snapshot's owner and group, when asked to. */
  private async setOwner(node: TreeNode, target: string | fs.FileHandle): Promise<void> {
    if (!this.owners) return;
    try {
      if (typeof target === 'string') await fs.lchown(target, node.uid, node.gid);
      else await target.chown(node.uid, node.gid);
    } catch (err) {
      if (!['EPERM', 'EINVAL', 'ENOSYS', 'EOPNOTSUPP'].includes(errnoCode(err) ?? '')) throw err;
    }
  }

  private abs(segments: readonly string[]): string {
    const p = path.join(this.root, ...segments);
    const rel = path.relative(this.root, p);
    if (rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) {
      throw new LifeboatError(
        'UNSAFE_PATH',
        `Refusing to write outside the restore folder: ${displayPath(segments)}.`,
      );
    }
    return p;
  }

  /** Creates (or accepts) each folder on the way, refusing anything that is not a real folder. */
  async ensureDir(segments: readonly string[]): Promise<void> {
    for (let i = 1; i <= segments.length; i++) {
      const p = this.abs(segments.slice(0, i));
      if (this.verified.has(p)) continue;
      let st;
      try {
        st = await fs.lstat(p);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw fsError(err, p);
      }
      if (!st) {
        try {
          await fs.mkdir(p, { mode: 0o700 });
        } catch (err) {
          if (errnoCode(err) !== 'EEXIST') throw fsError(err, p);
          i--; // appeared meanwhile: check it again
          continue;
        }
      } else if (st.isSymbolicLink()) {
        throw new LifeboatError(
          'UNSAFE_PATH',
          `Refusing to restore through the symbolic link ${displayPath(segments.slice(0, i))}.`,
          {
            hint: 'Restore into an empty folder.',
          },
        );
      } else if (!st.isDirectory()) {
        throw new LifeboatError(
          'INVALID_ARGUMENT',
          `${displayPath(segments.slice(0, i))} exists and is not a folder.`,
        );
      }
      this.verified.add(p);
    }
  }

  /** Checks the destination: absent, or replaceable when overwriting (never a folder). */
  private async checkDest(dest: string, item: PlanItem): Promise<void> {
    let st;
    try {
      st = await fs.lstat(dest);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw fsError(err, dest);
    }
    if (st.isDirectory())
      throw new LifeboatError('INVALID_ARGUMENT', `${displayPath(item.segments)} exists as a folder.`);
    if (!this.overwrite) {
      throw new LifeboatError('INVALID_ARGUMENT', `${displayPath(item.segments)} already exists.`, {
        hint: 'Restore into an empty folder, or allow overwriting.',
      });
    }
  }

  private tempName(dir: string): string {
    return path.join(dir, `.lifeboat-${randomBytes(8).toString('hex')}.tmp`);
  }

  /**
   * Creates the temporary file for `item` next to its destination (O_EXCL|O_NOFOLLOW, owner-only
   * until committed), after checking every parent folder and the destination. The caller writes
   * the content through `handle` (or its fd), then calls commitFile or discardFile.
   */
  async createFile(item: PlanItem): Promise<TempFile> {
    await this.ensureDir(item.segments.slice(0, -1));
    const dest = this.abs(item.segments);
    await this.checkDest(dest, item);
    const tmp = this.tempName(path.dirname(dest));
    try {
      const handle = await fs.open(
        tmp,
        fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW,
        0o600,
      );
      return { item, dest, tmp, handle };
    } catch (err) {
      throw fsError(err, displayPath(item.segments));
    }
  }

  /** Sets mode and times, then renames the finished temporary file into place. */
  async commitFile(f: TempFile): Promise<void> {
    const { item, dest, tmp, handle } = f;
    try {
      await this.setOwner(item.node, handle); // before chmod: a chown clears mode bits
      await handle.chmod(posixPermFromGoMode(item.node.mode ?? 0o644) & 0o1777);
      await handle.close();
      await setTimes(tmp, item.node);
      await this.checkDest(dest, item);
      await fs.rename(tmp, dest);
    } catch (err) {
      await this.discardFile(f);
      throw fsError(err, displayPath(item.segments));
    }
  }

  /** Closes and removes a temporary file that will not be committed. */
  async discardFile(f: TempFile): Promise<void> {
    await f.handle.close().catch(() => undefined);
    await fs.rm(f.tmp, { force: true }).catch(() => undefined);
  }

  async writeSymlink(item: PlanItem): Promise<void> {
    await this.ensureDir(item.segments.slice(0, -1));
    const dest = this.abs(item.segments);
    await this.checkDest(dest, item);
    const tmp = this.tempName(path.dirname(dest));
    try {
      await fs.symlink(item.node.linktarget ?? '', tmp);
      await this.setOwner(item.node, tmp);
      await setTimes(tmp, item.node);
      await fs.rename(tmp, dest); // replaces a file or symlink itself, never what it points to
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw fsError(err, displayPath(item.segments));
    }
  }

  async writeHardlink(item: PlanItem, first: PlanItem): Promise<void> {
    await this.ensureDir(item.segments.slice(0, -1));
    const dest = this.abs(item.segments);
    await this.checkDest(dest, item);
    const tmp = this.tempName(path.dirname(dest));
    try {
      await fs.link(this.abs(first.segments), tmp);
      await fs.rename(tmp, dest);
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw fsError(err, displayPath(item.segments));
    }
  }

  async setDirMeta(item: PlanItem): Promise<void> {
    const p = this.abs(item.segments);
    const st = await fs.lstat(p);
    if (!st.isDirectory()) return;
    await this.setOwner(item.node, p);
    await fs.chmod(p, posixPermFromGoMode(item.node.mode ?? 0o755) & 0o1777);
    await setTimes(p, item.node);
  }
}

/** Sets atime/mtime without following a symlink. */
async function setTimes(p: string, node: TreeNode): Promise<void> {
  try {
    await fs.lutimes(p, toSeconds(node.atime), toSeconds(node.mtime));
  } catch (err) {
    if (errnoCode(err) === 'ENOSYS' || errnoCode(err) === 'EOPNOTSUPP') return;
    throw err;
  }
}
