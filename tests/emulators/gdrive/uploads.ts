/**
 * Resumable upload sessions, strictly: the session starts with JSON metadata (and optionally
 * X-Upload-Content-Length, checked against the quota), answers 200 with a Location; chunks are
 * PUT/POST with `Content-Range: bytes S-E/T` and must start where the session stands, carry exactly
 * E-S+1 bytes, and be 256 KiB multiples unless final; 308 + `Range: bytes=0-N` (never a Location)
 * until the last one; `bytes *\/T` status queries; a finished session answers with its file again.
 */
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { driveErrors } from './errors.ts';
import { fileSchema, maskFor } from './fields.ts';
import type { AccessTokenInfo } from './oauth.ts';
import type { DriveService, RouteResult } from './drive-service.ts';
import { parseJsonObject } from './drive-service.ts';

export interface UploadSession {
  id: string;
  metadata: Record<string, unknown>;
  parent: string;
  mimeType: string;
  appId: string;
  declaredLength?: number;
  total?: number;
  parts: Buffer[];
  offset: number;
  fields: string | null;
  fileId?: string;
}

const quarterMiB = 256 * 1024;

export class ResumableUploads {
  readonly sessions = new Map<string, UploadSession>();
  private readonly drive: DriveService;
  private readonly baseUrl: () => string;

  constructor(drive: DriveService, baseUrl: () => string) {
    this.drive = drive;
    this.baseUrl = baseUrl;
  }

  start(req: IncomingMessage, token: AccessTokenInfo, q: URLSearchParams, body: Buffer): RouteResult {
    if (body.length > 0 && !/^application\/json/i.test(req.headers['content-type'] ?? '')) {
      throw driveErrors.badContent('The metadata of a resumable upload must be application/json.');
    }
    const meta = body.length ? parseJsonObject(body) : {};
    const { parent } = this.drive.validateMetadata(token, meta);
    const lengthHeader = req.headers['x-upload-content-length'];
    let declaredLength: number | undefined;
    if (lengthHeader !== undefined) {
      if (!/^\d+$/.test(String(lengthHeader)))
        throw driveErrors.badRequest('Invalid X-Upload-Content-Length.');
      declaredLength = Number(lengthHeader);
      this.drive.checkQuota(declaredLength);
    }
    // validate the final response mask now, like Drive validates `fields` up front
    maskFor(q.get('fields'), fileSchema, 'kind,id,name,mimeType');
    const id = randomBytes(24).toString('base64url');
    const mimeType =
      (meta.mimeType as string | undefined) ??
      (req.headers['x-upload-content-type'] as string | undefined) ??
      'application/octet-stream';
    this.sessions.set(id, {
      id,
      metadata: meta,
      parent,
      mimeType,
      appId: token.clientId,
      ...(declaredLength !== undefined ? { declaredLength, total: declaredLength } : {}),
      parts: [],
      offset: 0,
      fields: q.get('fields'),
    });
    const location = new URL('upload/drive/v3/files', this.baseUrl());
    location.searchParams.set('uploadType', 'resumable');
    location.searchParams.set('upload_id', id);
    return { status: 200, headers: { location: location.toString(), 'content-length': '0' } };
  }

  private session(url: URL): UploadSession {
    const s = this.sessions.get(url.searchParams.get('upload_id') ?? '');
    if (!s) throw driveErrors.uploadNotFound();
    return s;
  }

  keepPartialChunk(url: URL, contentRange: string | undefined, partial: Buffer): void {
    const s = this.sessions.get(url.searchParams.get('upload_id') ?? '');
    const range = contentRange ? parseContentRange(contentRange) : undefined;
    if (!s || s.fileId || !range || range.start === undefined || range.start !== s.offset) return;
    const keep = Math.floor(partial.length / quarterMiB) * quarterMiB;
    if (keep > 0) {
      s.parts.push(Buffer.from(partial.subarray(0, keep)));
      s.offset += keep;
    }
  }

  private incomplete(req: IncomingMessage, s: UploadSession): RouteResult {
    const headers: Record<string, string> = { 'content-length': '0' };
    if (s.offset > 0) headers.range = `bytes=0-${s.offset - 1}`;
    // never a Location on a 308: fetch implementations would follow it as a redirect
    if (req.headers['x-guploader-no-308'] === 'yes') {
      headers['x-http-status-code-override'] = '308';
      return { status: 200, headers };
    }
    return { status: 308, headers };
  }

  chunk(req: IncomingMessage, url: URL, body: Buffer): RouteResult {
    const s = this.session(url);
    const header = req.headers['content-range'];
    const completed = (): RouteResult => {
      const f = this.drive.store.get(s.fileId!);
      if (!f) throw driveErrors.uploadNotFound();
      return this.drive.fileResponse(f, s.fields);
    };
    const range =
      header === undefined
        ? { start: 0, end: body.length - 1, total: body.length }
        : parseContentRange(header);
    if (!range) throw driveErrors.badRequest(`Failed to parse Content-Range header: ${String(header)}`);
    if (range.total !== undefined && s.total !== undefined && range.total !== s.total) {
      throw driveErrors.badRequest(
        `Content-Range total ${range.total} does not match the upload's ${s.total} bytes.`,
      );
    }
    if (range.start === undefined) {
      // status query: `bytes */TOTAL` with an empty body
      if (body.length !== 0) throw driveErrors.badRequest('A status query must have an empty body.');
      if (s.fileId) return completed();
      return this.incomplete(req, s);
    }
    if (s.fileId) return completed(); // the final chunk again: the upload already finished
    const length = range.end! - range.start + 1;
    if (length <= 0 || body.length !== length) {
      throw driveErrors.badRequest(
        `Content-Range says ${length} bytes but the request carried ${body.length}.`,
      );
    }
    if (range.start !== s.offset) {
      throw driveErrors.badRequest(
        `Invalid request. The upload offset is ${s.offset} but the chunk starts at ${range.start}.`,
      );
    }
    const isFinal = range.total !== undefined && range.end! + 1 === range.total;
    if (range.total !== undefined && range.end! + 1 > range.total) {
      throw driveErrors.badRequest('Content-Range end is beyond the total size.');
    }
    if (!isFinal && length % quarterMiB !== 0) {
      throw driveErrors.badRequest(
        `Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it's recommended to be the exact multiple of 262144). The received request contained ${length} bytes, which does not meet this requirement.`,
      );
    }
    if (range.total !== undefined) s.total = range.total;
    s.parts.push(Buffer.from(body));
    s.offset += length;
    if (!isFinal) return this.incomplete(req, s);
    const content = Buffer.concat(s.parts);
    try {
      this.drive.checkQuota(content.length);
    } catch (err) {
      this.sessions.delete(s.id);
      throw err;
    }
    const parentFile = this.drive.store.get(s.parent);
    if (!parentFile) {
      this.sessions.delete(s.id);
      throw driveErrors.notFound(s.parent);
    }
    const f = this.drive.store.create({
      name: (s.metadata.name as string | undefined) ?? 'Untitled',
      mimeType: s.mimeType,
      parent: s.parent,
      appId: s.appId,
      content: this.drive.maybeCorrupt(content),
    });
    s.fileId = f.id;
    s.parts = [];
    return this.drive.fileResponse(f, s.fields);
  }
}

/** `bytes S-E/T`, `bytes S-E/*`, `bytes *\/T`, `bytes *\/*`. */
function parseContentRange(header: string): { start?: number; end?: number; total?: number } | undefined {
  const m = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(header.trim());
  if (!m) return undefined;
  const total = m[3] === '*' ? undefined : Number(m[3]);
  if (m[1] === undefined) return { ...(total !== undefined ? { total } : {}) };
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) return undefined;
  return { start, end, ...(total !== undefined ? { total } : {}) };
}
