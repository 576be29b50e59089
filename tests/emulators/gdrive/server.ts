/**
 * A strict Google Drive v3 + Google OAuth emulator on node:http, for pointing the real
 * @googleapis/drive / google-auth-library code at (research/apis.md §1, §3.1, §5). One base URL
 * serves the Drive API (`/drive/v3/...`, `/upload/drive/v3/...`) and the OAuth endpoints
 * (`/o/oauth2/v2/auth`, `/token`, `/revoke`).
 *
 * Enforced like Drive: bearer tokens (missing/expired/revoked → 401 with Google's envelope),
 * drive.file visibility (a token sees only files its OAuth client created), field masks (unknown →
 * 400), the q language subset (query.ts), pageSize 1..1000, exact multipart/related parsing,
 * resumable sessions (256 KiB multiples except the last chunk, consistent Content-Range, 308 +
 * Range and never a Location on 308, `bytes *\/N` status queries), Range downloads (206/416),
 * `size` as a string, md5Checksum, duplicate names allowed, storage quota (403
 * storageQuotaExceeded). Fault injection: random (rate + kinds, seeded) and scripted (next
 * matching request).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DriveHttpError, driveErrors } from './errors.ts';
import { aboutSchema, applyMask, maskFor } from './fields.ts';
import { DriveService, json, parseJsonObject } from './drive-service.ts';
import type { DriveUser, RouteResult } from './drive-service.ts';
import { FaultInjector } from './faults.ts';
import type { FaultKind, RandomFaults, RequestInfo, ScriptedFault } from './faults.ts';
import { parseMultipartRelated } from './multipart.ts';
import { OAuthState } from './oauth.ts';
import type { OAuthResponse } from './oauth.ts';
import { DriveStore, folderMime } from './store.ts';
import type { EmuFile } from './store.ts';
import { ResumableUploads } from './uploads.ts';
import type { UploadSession } from './uploads.ts';

export { allFaultKinds } from './faults.ts';
export type { FaultKind, RandomFaults, RequestInfo, ScriptedFault } from './faults.ts';

export interface LoggedRequest {
  method: string;
  path: string;
  uploadType?: string;
  contentRange?: string;
  bodyBytes: number;
  status: number | 'reset';
  fault?: FaultKind;
  /** performance.now() when the request arrived. */
  at: number;
}

export interface DriveEmulatorOptions {
  clientId?: string;
  clientSecret?: string;
  user?: { emailAddress: string; displayName: string; permissionId: string };
  quotaBytes?: number;
  accessTokenTtlSeconds?: number;
  tokenMaxUses?: number;
  faults?: RandomFaults;
  /** Return short pages now and then (Drive may), so clients must follow nextPageToken. */
  partialPages?: boolean;
}

export class DriveEmulator {
  readonly store: DriveStore;
  readonly oauth: OAuthState;
  readonly drive: DriveService;
  readonly uploads: ResumableUploads;
  readonly log: LoggedRequest[] = [];
  url = '';
  private readonly injector: FaultInjector;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(opts: DriveEmulatorOptions) {
    this.oauth = new OAuthState(
      opts.clientId ?? 'lifeboat-test.apps.googleusercontent.com',
      opts.clientSecret ?? `GOCSPX-${randomBytes(12).toString('base64url')}`,
    );
    if (opts.accessTokenTtlSeconds !== undefined)
      this.oauth.accessTokenTtlSeconds = opts.accessTokenTtlSeconds;
    this.oauth.tokenMaxUses = opts.tokenMaxUses;
    this.store = new DriveStore(this.oauth.clientId);
    this.injector = new FaultInjector(opts.faults);
    this.drive = new DriveService({
      store: this.store,
      oauth: this.oauth,
      user: opts.user ?? {
        emailAddress: 'owner@example.com',
        displayName: 'Shop Owner',
        permissionId: '01234567890123456789',
      },
      quotaBytes: opts.quotaBytes,
      partialPages: opts.partialPages ?? false,
      random: () => this.injector.random(),
    });
    this.uploads = new ResumableUploads(this.drive, () => this.url);
  }

  static async start(opts: DriveEmulatorOptions = {}): Promise<DriveEmulator> {
    const emu = new DriveEmulator(opts);
    const server = createServer((req, res) => {
      emu.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        } else {
          res.destroy();
        }
      });
    });
    server.keepAliveTimeout = 30_000;
    server.on('connection', (s: Socket) => {
      emu.sockets.add(s);
      s.on('close', () => emu.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    emu.server = server;
    emu.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return emu;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  get clientId(): string {
    return this.oauth.clientId;
  }

  get clientSecret(): string {
    return this.oauth.clientSecret;
  }

  get user(): DriveUser {
    return this.drive.user;
  }

  /** Storage quota in bytes (undefined: unlimited); a write beyond it is 403 storageQuotaExceeded. */
  get quotaBytes(): number | undefined {
    return this.drive.quotaBytes;
  }

  set quotaBytes(bytes: number | undefined) {
    this.drive.quotaBytes = bytes;
  }

  /** The next N stored uploads get one byte flipped (their md5Checksum then differs from the client's). */
  get corruptUploads(): number {
    return this.drive.corruptUploads;
  }

  set corruptUploads(n: number) {
    this.drive.corruptUploads = n;
  }

  get sessions(): Map<string, UploadSession> {
    return this.uploads.sessions;
  }

  setFaults(faults: RandomFaults | undefined): void {
    this.injector.set(faults);
  }

  injectFault(fault: ScriptedFault): void {
    this.injector.inject(fault);
  }

  // ---- helpers for tests ----

  /** Creates a file directly (as the app would have), e.g. a duplicate name. */
  putFile(parentId: string, name: string, content: Buffer, mimeType = 'application/octet-stream'): EmuFile {
    return this.store.create({ name, mimeType, parent: parentId, appId: this.clientId, content });
  }

  folders(folderPath: string): EmuFile[] {
    return this.store.findFolders(folderPath);
  }

  /** Every stored file below My Drive with its slash path. */
  files(): {
    id: string;
    path: string;
    name: string;
    mimeType: string;
    size?: number;
    md5?: string;
    content?: Buffer;
  }[] {
    return [...this.store.files.values()]
      .filter((f) => f.id !== this.store.rootId)
      .sort((a, b) => a.seq - b.seq)
      .map((f) => ({
        id: f.id,
        path: this.store.pathOf(f),
        name: f.name,
        mimeType: f.mimeType,
        ...(f.content ? { size: f.content.length, md5: f.md5!, content: f.content } : {}),
      }));
  }

  usage(): number {
    return this.store.usage();
  }

  /**
   * Copies a folder tree out to a local directory (e.g. a repository, for `restic check`). Where
   * names are duplicated, the copy whose sha256 equals its (content-addressed) name wins, else the
   * oldest; the duplicates are reported.
   */
  async dumpFolder(folderPath: string, localDir: string): Promise<{ files: number; duplicates: string[] }> {
    const candidates = this.store.findFolders(folderPath);
    const top =
      candidates.find((c) => this.store.children(c.id).some((f) => f.name === 'config')) ?? candidates[0];
    if (!top) throw new Error(`no folder ${folderPath} in the emulator`);
    const duplicates: string[] = [];
    let count = 0;
    const walk = async (folder: EmuFile, dir: string): Promise<void> => {
      await fs.mkdir(dir, { recursive: true });
      const byName = new Map<string, EmuFile[]>();
      for (const c of this.store.children(folder.id)) {
        if (c.trashed) continue;
        byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
      }
      for (const [name, copies] of byName) {
        const folders = copies.filter((c) => c.mimeType === folderMime);
        for (const f of folders) await walk(f, path.join(dir, name));
        const plain = copies.filter((c) => c.mimeType !== folderMime);
        if (plain.length === 0) continue;
        if (plain.length > 1) duplicates.push(this.store.pathOf(plain[0]!));
        const chosen = plain.find((c) => c.sha256 === name) ?? plain[0]!;
        await fs.writeFile(path.join(dir, name), chosen.content ?? Buffer.alloc(0));
        count++;
      }
    };
    await walk(top, localDir);
    return { files: count, duplicates };
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    if (url.pathname === '/o/oauth2/v2/auth' || url.pathname === '/token' || url.pathname === '/revoke') {
      await this.handleOAuth(req, res, url, method);
      return;
    }
    const isUpload = url.pathname.startsWith('/upload/drive/v3/');
    const isChunk = isUpload && url.searchParams.has('upload_id') && (method === 'PUT' || method === 'POST');
    const contentRange = req.headers['content-range'];
    const contentLength =
      req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined;
    const info: RequestInfo = {
      method,
      path: url.pathname,
      query: url.searchParams,
      isChunk,
      isStatusQuery: isChunk && typeof contentRange === 'string' && contentRange.startsWith('bytes */'),
      isDownload: method === 'GET' && url.searchParams.get('alt') === 'media',
      ...(contentRange ? { contentRange } : {}),
      ...(contentLength !== undefined ? { contentLength } : {}),
    };
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      bodyBytes: 0,
      status: 0,
      at: performance.now(),
      ...(url.searchParams.get('uploadType') ? { uploadType: url.searchParams.get('uploadType')! } : {}),
      ...(contentRange ? { contentRange } : {}),
    };
    this.log.push(entry);
    const fault = this.injector.pick(info);
    if (fault) entry.fault = fault.kind;

    const drop = (): void => {
      entry.status = 'reset';
      // an RST, like a dropped connection (a plain close would leave the client waiting)
      req.socket.resetAndDestroy();
    };
    try {
      if (fault?.kind === 'reset') {
        drop();
        return;
      }
      if (fault?.kind === 'stall') {
        entry.status = 'reset';
        req.resume(); // swallow the body, never answer; the socket closes when the client gives up
        return;
      }
      const immediate = fault && this.injector.immediateError(fault.kind);
      if (immediate) throw immediate;

      const stopAfter =
        fault?.kind === 'reset-mid-body'
          ? (fault.afterBytes ??
            Math.max(1, Math.floor((contentLength ?? 0) * (0.25 + this.injector.random() * 0.5))))
          : undefined;
      const { body, complete } = await readBody(req, stopAfter);
      entry.bodyBytes = body.length;
      if (!complete) {
        // the connection drops mid-body; a resumable session keeps what arrived (in 256 KiB units)
        if (isChunk) this.uploads.keepPartialChunk(url, contentRange, body);
        drop();
        return;
      }

      const result = await this.route(req, url, method, body, info, fault?.kind === 'stale-list');
      if (fault?.kind === 'reset-after') {
        drop();
        return;
      }
      if (fault?.kind === 'truncate-download' && result.media && result.media.length >= 2) {
        res.writeHead(result.status, result.headers);
        res.write(result.media.subarray(0, Math.floor(result.media.length / 2)));
        entry.status = 'reset';
        setImmediate(() => req.socket.destroy());
        return;
      }
      entry.status = result.status;
      res.writeHead(result.status, result.headers);
      res.end(result.media ?? (result.json !== undefined ? JSON.stringify(result.json) : undefined));
    } catch (err) {
      if (!(err instanceof DriveHttpError)) throw err;
      entry.status = err.status;
      if (req.readable && !req.readableEnded) req.resume();
      res.writeHead(err.status, { 'content-type': 'application/json; charset=UTF-8', ...err.headers });
      res.end(JSON.stringify(err.body()));
    }
  }

  private async handleOAuth(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
  ): Promise<void> {
    const { body } = await readBody(req);
    let out: OAuthResponse;
    if (url.pathname === '/o/oauth2/v2/auth') {
      out = method === 'GET' ? this.oauth.authorize(url) : { status: 405, text: 'Method Not Allowed' };
    } else if (method !== 'POST') {
      out = { status: 405, text: 'Method Not Allowed' };
    } else if (url.pathname === '/token') {
      out = this.oauth.token(req.headers['content-type'], body.toString('utf8'), req.headers.authorization);
    } else {
      out = this.oauth.revokeEndpoint(req.headers['content-type'], body.toString('utf8'), url.searchParams);
    }
    this.log.push({
      method,
      path: url.pathname,
      bodyBytes: body.length,
      status: out.status,
      at: performance.now(),
    });
    const headers = {
      ...(out.json !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...out.headers,
    };
    res.writeHead(out.status, headers);
    res.end(out.json !== undefined ? JSON.stringify(out.json) : (out.text ?? ''));
  }

  private async route(
    req: IncomingMessage,
    url: URL,
    method: string,
    body: Buffer,
    info: RequestInfo,
    staleList: boolean,
  ): Promise<RouteResult> {
    const p = url.pathname;
    const q = url.searchParams;
    if (info.isChunk) return this.uploads.chunk(req, url, body);
    const d = this.drive;
    const token = d.authenticate(req);
    if (p === '/drive/v3/about') {
      if (method !== 'GET') throw driveErrors.methodNotAllowed();
      if (!q.get('fields')) throw driveErrors.required('fields');
      const mask = maskFor(q.get('fields'), aboutSchema, '');
      return json(200, applyMask(d.aboutJson(), mask));
    }
    if (p === '/drive/v3/files') {
      if (method === 'GET') return d.list(token, q, staleList);
      if (method === 'POST') {
        if (!/^application\/json/i.test(req.headers['content-type'] ?? '') && body.length > 0) {
          throw driveErrors.badContent(
            'Unsupported content with type: ' + (req.headers['content-type'] ?? ''),
          );
        }
        const meta = body.length ? parseJsonObject(body) : {};
        const f = d.createFile(token, meta, undefined, undefined);
        return d.fileResponse(f, q.get('fields'));
      }
      throw driveErrors.methodNotAllowed();
    }
    const m = /^\/drive\/v3\/files\/([^/]+)$/.exec(p);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      if (method === 'GET') return d.get(req, token, id, q);
      if (method === 'DELETE') {
        const f = d.visible(token, id);
        if (f.id === d.store.rootId) throw driveErrors.badRequest('The root folder cannot be deleted.');
        d.store.delete(f.id);
        return { status: 204, headers: {} };
      }
      throw driveErrors.methodNotAllowed();
    }
    if (p === '/upload/drive/v3/files' && method === 'POST') {
      const uploadType = q.get('uploadType');
      if (uploadType === 'multipart') {
        const upload = parseMultipartRelated(body, req.headers['content-type']);
        const f = d.createFile(token, upload.metadata, upload.media, upload.mediaType);
        return d.fileResponse(f, q.get('fields'));
      }
      if (uploadType === 'media') {
        const f = d.createFile(token, {}, body, req.headers['content-type'] ?? 'application/octet-stream');
        return d.fileResponse(f, q.get('fields'));
      }
      if (uploadType === 'resumable') return this.uploads.start(req, token, q, body);
      if (!uploadType) throw driveErrors.required('uploadType');
      throw driveErrors.invalidParameter('uploadType');
    }
    throw new DriveHttpError(404, {
      domain: 'global',
      reason: 'notFound',
      message: `Not Found: ${method} ${p}`,
    });
  }
}

/** Reads a request body; with `stopAfter`, stops (complete: false) once that many bytes arrived. */
function readBody(req: IncomingMessage, stopAfter?: number): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    let done = false;
    const onData = (c: Buffer): void => {
      if (done) return;
      chunks.push(c);
      n += c.length;
      if (stopAfter !== undefined && n >= stopAfter) {
        done = true;
        req.pause();
        req.off('data', onData);
        resolve({ body: Buffer.concat(chunks).subarray(0, stopAfter), complete: false });
      }
    };
    req.on('data', onData);
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve({ body: Buffer.concat(chunks), complete: true });
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}
