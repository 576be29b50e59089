/**
 * The emulator's in-memory Drive: files and folders with ids, names (duplicates allowed, as in
 * Drive), one parent each, content with md5/sha256, and a creation sequence for stable listing.
 */
import { createHash, randomBytes } from 'node:crypto';

export const folderMime = 'application/vnd.google-apps.folder';

export interface EmuFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  createdTime: string;
  modifiedTime: string;
  /** OAuth client that created it: drive.file tokens only see their own app's files. */
  appId: string;
  seq: number;
  content?: Buffer;
  md5?: string;
  sha256?: string;
  description?: string;
  appProperties?: Record<string, string>;
  properties?: Record<string, string>;
  originalFilename?: string;
  version: number;
}

/** Drive-like file ids: 33 characters of [A-Za-z0-9_-], starting with "1". */
export function newFileId(): string {
  return `1${randomBytes(24).toString('base64url').slice(0, 32)}`;
}

export class DriveStore {
  readonly files = new Map<string, EmuFile>();
  readonly rootId = `0A${randomBytes(12).toString('base64url').slice(0, 16)}Uk9PVA`;
  private seq = 0;

  constructor(appId: string) {
    const now = new Date().toISOString();
    this.files.set(this.rootId, {
      id: this.rootId,
      name: 'My Drive',
      mimeType: folderMime,
      parents: [],
      trashed: false,
      createdTime: now,
      modifiedTime: now,
      appId,
      seq: this.seq++,
      version: 1,
    });
  }

  resolveId(id: string): string {
    return id === 'root' ? this.rootId : id;
  }

  get(id: string): EmuFile | undefined {
    return this.files.get(this.resolveId(id));
  }

  create(init: {
    name: string;
    mimeType: string;
    parent: string;
    appId: string;
    content?: Buffer;
    description?: string;
    appProperties?: Record<string, string>;
    properties?: Record<string, string>;
    originalFilename?: string;
  }): EmuFile {
    const now = new Date().toISOString();
    const isFolder = init.mimeType === folderMime;
    const content = isFolder ? undefined : (init.content ?? Buffer.alloc(0));
    const file: EmuFile = {
      id: newFileId(),
      name: init.name,
      mimeType: init.mimeType,
      parents: [this.resolveId(init.parent)],
      trashed: false,
      createdTime: now,
      modifiedTime: now,
      appId: init.appId,
      seq: this.seq++,
      version: 1,
      ...(content
        ? {
            content,
            md5: createHash('md5').update(content).digest('hex'),
            sha256: createHash('sha256').update(content).digest('hex'),
          }
        : {}),
      ...(init.description !== undefined ? { description: init.description } : {}),
      ...(init.appProperties ? { appProperties: init.appProperties } : {}),
      ...(init.properties ? { properties: init.properties } : {}),
      ...(init.originalFilename !== undefined ? { originalFilename: init.originalFilename } : {}),
    };
    this.files.set(file.id, file);
    return file;
  }

  children(parentId: string): EmuFile[] {
    const id = this.resolveId(parentId);
    return [...this.files.values()].filter((f) => f.parents.includes(id)).sort((a, b) => a.seq - b.seq);
  }

  /** Deletes a file; a folder takes its descendants with it (files.delete semantics). */
  delete(id: string): void {
    for (const child of this.children(id)) this.delete(child.id);
    this.files.delete(id);
  }

  /** Bytes of stored content (folders are free, as in Drive). */
  usage(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.content?.length ?? 0;
    return n;
  }

  pathOf(file: EmuFile): string {
    const parts: string[] = [];
    let cur: EmuFile | undefined = file;
    while (cur && cur.id !== this.rootId) {
      parts.unshift(cur.name);
      cur = cur.parents[0] ? this.files.get(cur.parents[0]) : undefined;
    }
    return parts.join('/');
  }

  /** Every folder matching a slash path below My Drive (several when names are duplicated). */
  findFolders(folderPath: string): EmuFile[] {
    let level: EmuFile[] = [this.files.get(this.rootId)!];
    for (const name of folderPath.split('/').filter(Boolean)) {
      level = level.flatMap((p) =>
        this.children(p.id).filter((c) => c.name === name && c.mimeType === folderMime && !c.trashed),
      );
    }
    return level;
  }

  /** Creates the folders of a slash path that do not exist yet; returns the last one's id. */
  mkdirs(folderPath: string, appId: string): string {
    let parent = this.rootId;
    for (const name of folderPath.split('/').filter(Boolean)) {
      const existing = this.children(parent).find(
        (c) => c.name === name && c.mimeType === folderMime && !c.trashed,
      );
      parent = existing ? existing.id : this.create({ name, mimeType: folderMime, parent, appId }).id;
    }
    return parent;
  }
}
