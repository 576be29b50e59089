import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LifeboatError } from '../../shared/errors.ts';
import { RequestCounter, isValidFileName } from './backend.ts';
import type { Backend, BackendStats, ByteRange, FileInfo, FileType, SpaceInfo } from './backend.ts';
import { errnoCode, fsError } from './fs-errors.ts';

const fileMode = 0o600;
const dirMode = 0o700;
const typeDirs: Record<Exclude<FileType, 'config'>, string> = {
  keys: 'keys',
  data: 'data',
  index: 'index',
  snapshots: 'snapshots',
  locks: 'locks',
};

/** A restic repository in a local (or mounted NAS) folder, with restic's exact layout. */
export class LocalBackend implements Backend {
  readonly location: string;
  private readonly counter = new RequestCounter();

  constructor(location: string) {
    this.location = path.resolve(location);
  }

  stats(): BackendStats {
    return this.counter.snapshot();
  }

  resetStats(): void {
    this.counter.reset();
  }

  /** The disk's free space (what this user may still write) and size. */
  async space(): Promise<SpaceInfo | undefined> {
    const s = await fs.statfs(this.location).catch(() => undefined);
    return s ? { free: s.bavail * s.bsize, total: s.blocks * s.bsize } : undefined;
  }

  async create(): Promise<void> {
    if (await exists(path.join(this.location, 'config'))) {
      throw new LifeboatError('REPO_EXISTS', `A repository already exists at ${this.location}.`, {
        hint: 'Open it instead, or choose an empty folder.',
      });
    }
    try {
      await fs.mkdir(this.location, { recursive: true, mode: dirMode });
      for (const dir of [...Object.values(typeDirs), 'tmp']) {
        await fs.mkdir(path.join(this.location, dir), { recursive: true, mode: dirMode });
      }
      // restic creates all 256 pack subfolders at init.
      for (let i = 0; i < 256; i++) {
        const sub = i.toString(16).padStart(2, '0');
        await fs.mkdir(path.join(this.location, 'data', sub), { recursive: true, mode: dirMode });
      }
    } catch (err) {
      throw fsError(err, `the repository folder ${this.location}`);
    }
  }

  async list(type: FileType): Promise<FileInfo[]> {
    this.counter.count('list');
    await this.assertRepoExists();
    if (type === 'config') {
      const info = await this.stat('config', 'config');
      return info ? [info] : [];
    }
    const dir = path.join(this.location, typeDirs[type]);
    const dirs =
      type === 'data'
        ? (await readDirSafe(dir)).filter((d) => /^[0-9a-f]{2}$/.test(d)).map((d) => path.join(dir, d))
        : [dir];
    const out: FileInfo[] = [];
    for (const d of dirs) {
      for (const name of await readDirSafe(d)) {
        if (!isValidFileName(type, name)) continue; // temp files, editor droppings
        try {
          const st = await fs.stat(path.join(d, name));
          if (st.isFile()) out.push({ name, size: st.size });
        } catch (err) {
          if (errnoCode(err) !== 'ENOENT') throw fsError(err, `${type}/${name}`);
        }
      }
    }
    return out;
  }

  async stat(type: FileType, name: string): Promise<FileInfo | undefined> {
    this.counter.count('stat');
    const file = this.filePath(type, name);
    try {
      const st = await fs.stat(file);
      return { name: type === 'config' ? 'config' : name, size: st.size };
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw fsError(err, `${type}/${name}`);
    }
  }

  async read(type: FileType, name: string, range?: ByteRange): Promise<Buffer> {
    const file = this.filePath(type, name);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, fsConstants.O_RDONLY);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') {
        await this.assertRepoExists();
        throw new LifeboatError('NOT_FOUND', `File ${type}/${name} is missing from the repository.`);
      }
      throw fsError(err, `${type}/${name}`);
    }
    try {
      let offset = 0;
      let length: number;
      if (range) {
        offset = range.offset;
        length = range.length;
      } else {
        length = (await handle.stat()).size;
      }
      const buf = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buf, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      if (done !== length) {
        throw new LifeboatError('REPO_CORRUPT', `File ${type}/${name} is shorter than expected.`, {
          details: `wanted ${length} bytes at ${offset}, got ${done}`,
        });
      }
      this.counter.count('read', length);
      return buf;
    } catch (err) {
      throw fsError(err, `${type}/${name}`);
    } finally {
      await handle.close();
    }
  }

  async write(type: FileType, name: string, data: Uint8Array): Promise<void> {
    this.counter.count('write', data.byteLength);
    const file = this.filePath(type, name);
    const dir = path.dirname(file);
    if (await exists(file)) {
      throw new LifeboatError('REPO_CORRUPT', `File ${type}/${name} already exists in the repository.`, {
        details: 'repository files are written once and never replaced',
      });
    }
    const tmp = path.join(dir, `${path.basename(file)}-tmp-${randomBytes(6).toString('hex')}`);
    let handle: fs.FileHandle | undefined;
    try {
      try {
        handle = await fs.open(
          tmp,
          fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL,
          fileMode,
        );
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
        await this.assertRepoExists();
        await fs.mkdir(dir, { recursive: true, mode: dirMode }); // e.g. a data/xx folder removed by hand
        handle = await fs.open(
          tmp,
          fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL,
          fileMode,
        );
      }
      await handle.writeFile(data);
      await handle.sync();
      await handle.close();
      handle = undefined;
      await fs.rename(tmp, file);
      await syncDir(dir);
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw fsError(err, `${type}/${name} in ${this.location}`);
    }
  }

  async remove(type: FileType, name: string): Promise<void> {
    this.counter.count('remove');
    const file = this.filePath(type, name);
    try {
      await fs.unlink(file);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw fsError(err, `${type}/${name}`);
    }
  }

  /** Absolute path of a repository file; names are validated so nothing escapes the folder. */
  filePath(type: FileType, name: string): string {
    if (!isValidFileName(type, name)) {
      throw new LifeboatError(
        'INVALID_ARGUMENT',
        `Invalid repository file name ${JSON.stringify(name)} for ${type}.`,
      );
    }
    if (type === 'config') return path.join(this.location, 'config');
    if (type === 'data') return path.join(this.location, 'data', name.slice(0, 2), name);
    return path.join(this.location, typeDirs[type], name);
  }

  private async assertRepoExists(): Promise<void> {
    try {
      const st = await fs.stat(this.location);
      if (st.isDirectory()) return;
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT' && errnoCode(err) !== 'ENOTDIR') throw fsError(err, this.location);
    }
    throw new LifeboatError('REPO_NOT_FOUND', `There is no repository at ${this.location}.`, {
      hint: 'Check the folder path, or that the disk or network share is connected.',
    });
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw fsError(err, p);
  }
}

async function readDirSafe(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw fsError(err, dir);
  }
}

/** fsync of the folder makes the rename itself durable; some filesystems refuse it, which is fine. */
async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, fsConstants.O_RDONLY);
    await handle.sync();
  } catch {
    // best effort (e.g. Windows, some network filesystems)
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
