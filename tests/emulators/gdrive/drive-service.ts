/**
 * Drive v3 semantics of the emulator: bearer tokens and drive.file visibility, files.list (q,
 * pageSize, pageToken, orderBy, field masks), files.get (metadata, alt=media with Range),
 * files.create (metadata, multipart, media), about.get, storage quota. HTTP plumbing and fault
 * injection live in server.ts, resumable sessions in uploads.ts.
 */
import type { IncomingMessage } from 'node:http';
import { driveErrors, DriveHttpError } from './errors.ts';
import { applyMask, fileListSchema, fileSchema, maskFor } from './fields.ts';
import type { AccessTokenInfo, OAuthState } from './oauth.ts';
import { parseQuery } from './query.ts';
import { folderMime } from './store.ts';
import type { DriveStore, EmuFile } from './store.ts';

export interface RouteResult {
  status: number;
  headers: Record<string, string>;
  json?: unknown;
  media?: Buffer;
}

export interface DriveUser {
  emailAddress: string;
  displayName: string;
  permissionId: string;
}

const writableFields = new Set([
  'name',
  'mimeType',
  'parents',
  'description',
  'appProperties',
  'properties',
  'starred',
  'originalFilename',
  'createdTime',
  'modifiedTime',
  'folderColorRgb',
  'contentHints',
  'writersCanShare',
  'copyRequiresWriterPermission',
  'id',
]);
const orderKeys = new Set([
  'createdTime',
  'folder',
  'modifiedByMeTime',
  'modifiedTime',
  'name',
  'name_natural',
  'quotaBytesUsed',
  'recency',
  'sharedWithMeTime',
  'starred',
  'viewedByMeTime',
]);

export class DriveService {
  readonly store: DriveStore;
  readonly oauth: OAuthState;
  readonly user: DriveUser;
  quotaBytes: number | undefined;
  /** The next N stored uploads get one byte flipped (Drive's md5Checksum then differs from the client's). */
  corruptUploads = 0;
  partialPages: boolean;
  random: () => number;

  constructor(init: {
    store: DriveStore;
    oauth: OAuthState;
    user: DriveUser;
    quotaBytes: number | undefined;
    partialPages: boolean;
    random: () => number;
  }) {
    this.store = init.store;
    this.oauth = init.oauth;
    this.user = init.user;
    this.quotaBytes = init.quotaBytes;
    this.partialPages = init.partialPages;
    this.random = init.random;
  }

  usage(): number {
    return this.store.usage();
  }

  authenticate(req: IncomingMessage): AccessTokenInfo {
    const header = req.headers.authorization;
    if (!header) throw driveErrors.loginRequired();
    const m = /^Bearer (\S+)$/.exec(header);
    const token = m && this.oauth.checkAccessToken(m[1]!);
    if (!token) throw driveErrors.invalidCredentials();
    const driveScopes = token.scopes.filter((s) => s.startsWith('https://www.googleapis.com/auth/drive'));
    if (driveScopes.length === 0) throw driveErrors.insufficientScopes();
    return token;
  }

  canSee(token: AccessTokenInfo, f: EmuFile): boolean {
    if (f.id === this.store.rootId) return true;
    if (token.scopes.includes('https://www.googleapis.com/auth/drive')) return true;
    return f.appId === token.clientId;
  }

  visible(token: AccessTokenInfo, id: string): EmuFile {
    const f = this.store.get(id);
    if (!f || !this.canSee(token, f)) throw driveErrors.notFound(id);
    return f;
  }

  fileJson(f: EmuFile): Record<string, unknown> {
    return {
      kind: 'drive#file',
      id: f.id,
      name: f.name,
      mimeType: f.mimeType,
      parents: f.parents,
      trashed: f.trashed,
      explicitlyTrashed: f.trashed,
      starred: false,
      spaces: ['drive'],
      version: String(f.version),
      createdTime: f.createdTime,
      modifiedTime: f.modifiedTime,
      ownedByMe: true,
      quotaBytesUsed: String(f.content?.length ?? 0),
      ...(f.content
        ? {
            size: String(f.content.length),
            md5Checksum: f.md5,
            sha256Checksum: f.sha256,
            headRevisionId: `rev-${f.id.slice(0, 8)}`,
          }
        : {}),
      ...(f.description !== undefined ? { description: f.description } : {}),
      ...(f.appProperties ? { appProperties: f.appProperties } : {}),
      ...(f.properties ? { properties: f.properties } : {}),
      ...(f.originalFilename !== undefined ? { originalFilename: f.originalFilename } : {}),
    };
  }

  fileResponse(f: EmuFile, fields: string | null, status = 200): RouteResult {
    const mask = maskFor(fields, fileSchema, 'kind,id,name,mimeType');
    return json(status, applyMask(this.fileJson(f), mask));
  }

  aboutJson(): Record<string, unknown> {
    return {
      kind: 'drive#about',
      user: { kind: 'drive#user', me: true, ...this.user },
      storageQuota: {
        ...(this.quotaBytes !== undefined ? { limit: String(this.quotaBytes) } : {}),
        usage: String(this.usage()),
        usageInDrive: String(this.usage()),
        usageInDriveTrash: '0',
      },
      maxUploadSize: '5242880000000',
      appInstalled: false,
      canCreateDrives: true,
    };
  }

  list(token: AccessTokenInfo, q: URLSearchParams, stale = false): RouteResult {
    const query = q.get('q') ?? '';
    const pred = parseQuery(query, (id) => this.store.resolveId(id));
    let pageSize = 100;
    if (q.has('pageSize')) {
      const raw = q.get('pageSize')!;
      pageSize = Number(raw);
      if (!/^\d+$/.test(raw) || pageSize < 1 || pageSize > 1000)
        throw driveErrors.invalidParameter('pageSize');
    }
    const orderBy = q.get('orderBy');
    const order: { key: string; desc: boolean }[] = [];
    if (orderBy) {
      for (const part of orderBy.split(',')) {
        const [key, dir, extra] = part.trim().split(/\s+/);
        if (!key || !orderKeys.has(key) || extra !== undefined || (dir !== undefined && dir !== 'desc')) {
          throw driveErrors.invalidParameter('orderBy');
        }
        order.push({ key, desc: dir === 'desc' });
      }
    }
    const spaces = q.get('spaces');
    if (spaces && spaces !== 'drive') throw driveErrors.invalidParameter('spaces');
    const mask = maskFor(
      q.get('fields'),
      fileListSchema,
      'kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)',
    );
    const lagging = Date.now() - 60_000;
    let matches = [...this.store.files.values()].filter(
      (f) =>
        f.id !== this.store.rootId &&
        this.canSee(token, f) &&
        pred(f) &&
        !(stale && Date.parse(f.createdTime) > lagging),
    );
    matches.sort((a, b) => a.seq - b.seq);
    if (order.length) {
      matches.sort((a, b) => {
        for (const { key, desc } of order) {
          const va =
            key === 'folder'
              ? Number(a.mimeType !== folderMime)
              : String(
                  (a as unknown as Record<string, unknown>)[key === 'name_natural' ? 'name' : key] ?? '',
                );
          const vb =
            key === 'folder'
              ? Number(b.mimeType !== folderMime)
              : String(
                  (b as unknown as Record<string, unknown>)[key === 'name_natural' ? 'name' : key] ?? '',
                );
          if (va < vb) return desc ? 1 : -1;
          if (va > vb) return desc ? -1 : 1;
        }
        return a.seq - b.seq;
      });
    }
    let start = 0;
    const pageToken = q.get('pageToken');
    if (pageToken) {
      let decoded: { q: string; o: string; after: number; offset: number };
      try {
        decoded = JSON.parse(Buffer.from(pageToken, 'base64url').toString('utf8')) as typeof decoded;
      } catch {
        throw driveErrors.invalidParameter('pageToken');
      }
      if (decoded.q !== query || decoded.o !== (orderBy ?? ''))
        throw driveErrors.invalidParameter('pageToken');
      if (order.length) start = decoded.offset;
      else {
        matches = matches.filter((f) => f.seq > decoded.after);
      }
    }
    let take = pageSize;
    if (this.partialPages && pageSize > 1 && this.random() < 0.5)
      take = Math.max(1, Math.floor(pageSize / 3));
    const page = matches.slice(start, start + take);
    const more = matches.length > start + take;
    const last = page[page.length - 1];
    const out: Record<string, unknown> = {
      kind: 'drive#fileList',
      incompleteSearch: false,
      files: page.map((f) => this.fileJson(f)),
      ...(more && last
        ? {
            nextPageToken: Buffer.from(
              JSON.stringify({ q: query, o: orderBy ?? '', after: last.seq, offset: start + take }),
            ).toString('base64url'),
          }
        : {}),
    };
    return json(200, applyMask(out, mask));
  }

  get(req: IncomingMessage, token: AccessTokenInfo, id: string, q: URLSearchParams): RouteResult {
    const f = this.visible(token, id);
    const alt = q.get('alt') ?? 'json';
    if (alt === 'json') return this.fileResponse(f, q.get('fields'));
    if (alt !== 'media') throw driveErrors.invalidParameter('alt');
    if (!f.content) throw driveErrors.notDownloadable();
    const content = f.content;
    const headers: Record<string, string> = { 'content-type': f.mimeType, 'accept-ranges': 'bytes' };
    const range = req.headers.range;
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (m && (m[1] || m[2])) {
        let startByte: number;
        let endByte: number;
        if (!m[1]) {
          const suffix = Number(m[2]);
          startByte = Math.max(0, content.length - suffix);
          endByte = content.length - 1;
        } else {
          startByte = Number(m[1]);
          endByte = m[2] ? Math.min(Number(m[2]), content.length - 1) : content.length - 1;
        }
        if (startByte >= content.length || (m[1] && m[2] && Number(m[2]) < startByte)) {
          throw driveErrors.rangeNotSatisfiable();
        }
        const media = content.subarray(startByte, endByte + 1);
        headers['content-range'] = `bytes ${startByte}-${endByte}/${content.length}`;
        headers['content-length'] = String(media.length);
        return { status: 206, headers, media };
      }
      // multi-range or malformed: ignored, the whole file is sent (HTTP allows it)
    }
    headers['content-length'] = String(content.length);
    return { status: 200, headers, media: content };
  }

  validateMetadata(token: AccessTokenInfo, meta: Record<string, unknown>): { parent: string } {
    for (const key of Object.keys(meta)) {
      if (fileSchema[key] && !writableFields.has(key)) {
        throw new DriveHttpError(403, {
          domain: 'global',
          reason: 'fieldNotWritable',
          message: 'The resource body includes fields which are not directly writable.',
        });
      }
      if (!fileSchema[key])
        throw driveErrors.badRequest(`Invalid JSON payload received. Unknown name "${key}".`);
    }
    if (meta.name !== undefined && typeof meta.name !== 'string')
      throw driveErrors.badRequest('Invalid value for name.');
    if (meta.mimeType !== undefined && typeof meta.mimeType !== 'string')
      throw driveErrors.badRequest('Invalid value for mimeType.');
    let parent = this.store.rootId;
    if (meta.parents !== undefined) {
      if (!Array.isArray(meta.parents) || meta.parents.some((x) => typeof x !== 'string')) {
        throw driveErrors.badRequest('Invalid value for parents.');
      }
      if (meta.parents.length > 1) throw driveErrors.cannotAddParent();
      if (meta.parents.length === 1) parent = meta.parents[0] as string;
    }
    const folder = this.visible(token, parent);
    if (folder.mimeType !== folderMime || folder.trashed)
      throw driveErrors.badRequest('The specified parent is not a folder.');
    return { parent: folder.id };
  }

  checkQuota(additional: number): void {
    if (this.quotaBytes !== undefined && this.usage() + additional > this.quotaBytes)
      throw driveErrors.storageQuotaExceeded();
  }

  createFile(
    token: AccessTokenInfo,
    meta: Record<string, unknown>,
    content: Buffer | undefined,
    mediaType: string | undefined,
  ): EmuFile {
    const { parent } = this.validateMetadata(token, meta);
    const mimeType = (meta.mimeType as string | undefined) ?? mediaType ?? 'application/octet-stream';
    if (mimeType === folderMime && content && content.length > 0)
      throw driveErrors.badRequest('A folder cannot have content.');
    this.checkQuota(content?.length ?? 0);
    if (content) content = this.maybeCorrupt(content);
    return this.store.create({
      name: (meta.name as string | undefined) ?? 'Untitled',
      mimeType,
      parent,
      appId: token.clientId,
      ...(content ? { content } : {}),
      ...(typeof meta.description === 'string' ? { description: meta.description } : {}),
      ...(meta.appProperties ? { appProperties: meta.appProperties as Record<string, string> } : {}),
      ...(meta.properties ? { properties: meta.properties as Record<string, string> } : {}),
    });
  }

  maybeCorrupt(content: Buffer): Buffer {
    if (this.corruptUploads <= 0 || content.length === 0) return content;
    this.corruptUploads--;
    const bad = Buffer.from(content);
    bad[Math.floor(bad.length / 2)]! ^= 0xff;
    return bad;
  }
}

export function json(status: number, value: unknown): RouteResult {
  return { status, headers: { 'content-type': 'application/json; charset=UTF-8' }, json: value };
}

export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw driveErrors.badRequest('Invalid JSON payload received.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw driveErrors.badRequest('Invalid JSON payload received.');
  return value as Record<string, unknown>;
}
