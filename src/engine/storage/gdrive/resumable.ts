/**
 * Resumable uploads (the SDK has none): start a session with the metadata, PUT the bytes in chunks
 * of a 256 KiB multiple with `Content-Range: bytes S-E/TOTAL`; Drive answers 308 with
 * `Range: bytes=0-N` until the last chunk, then 200/201 with the file. After any failure the
 * session is asked where it stands (`Content-Range: bytes *\/TOTAL`, empty body) and the upload
 * continues from the byte after its Range, so a dropped connection costs at most one chunk. A lost
 * session (404/410) starts the upload over, after checking that it did not complete.
 * Protocol: rclone backend/drive/upload.go, Google's Go client gensupport/resumable.go
 * (research/apis.md §1.4).
 */
import type { DriveApi, DriveFile } from './drive-api.ts';
import { fileFields } from './drive-api.ts';
import { statusOf, toLifeboatError, TransientDriveError, UploadSessionLost } from './drive-errors.ts';

export const uploadGranularity = 256 * 1024;

export interface ResumableUpload {
  name: string;
  parentId: string;
  data: Uint8Array;
  md5: string;
  chunkSize: number;
  /** Looks for a finished copy of this exact content (a completed upload whose answer was lost). */
  findExisting: () => Promise<DriveFile | undefined>;
}

type ChunkResult = { done: DriveFile } | { offset: number };

interface FileJson {
  id?: string;
  name?: string;
  mimeType?: string;
  size?: string;
  md5Checksum?: string;
  parents?: string[];
  createdTime?: string;
}

/** The byte after the last one the server holds, from a 308's `Range: bytes=0-N` (absent: nothing yet). */
export function offsetFromRange(range: string | null | undefined): number {
  if (!range) return 0;
  const m = /^bytes=0-(\d+)$/.exec(range.trim());
  if (!m) throw new TransientDriveError(`unexpected Range header from the upload session: ${range}`);
  return Number(m[1]) + 1;
}

function fileFromJson(json: FileJson): DriveFile {
  if (!json.id || json.name === undefined)
    throw new TransientDriveError('the upload finished without a file in the answer');
  return {
    id: json.id,
    name: json.name,
    mimeType: json.mimeType ?? 'application/octet-stream',
    size: Number(json.size ?? 0),
    ...(json.md5Checksum ? { md5: json.md5Checksum } : {}),
    parents: json.parents ?? [],
    createdTime: json.createdTime ?? '',
  };
}

export async function uploadResumable(api: DriveApi, u: ResumableUpload): Promise<DriveFile> {
  if (u.chunkSize <= 0 || u.chunkSize % uploadGranularity !== 0) {
    throw new Error(`chunk size ${u.chunkSize} is not a positive multiple of 256 KiB`);
  }
  const what = `upload ${u.name}`;
  for (let restart = 0; ; restart++) {
    if (restart > 0) {
      const existing = await u.findExisting();
      if (existing) return existing;
    }
    const sessionUrl = await startSession(api, u, what);
    try {
      const file = await sendChunks(api, u, sessionUrl, what);
      // a damaged copy (md5Checksum ≠ ours) is deleted by verifyUpload; the upload starts over
      await api.verifyUpload(file, u.data.byteLength, u.md5, what);
      return file;
    } catch (err) {
      const again = err instanceof UploadSessionLost || err instanceof TransientDriveError;
      if (!again || restart >= 3) throw toLifeboatError(err, what);
    }
  }
}

async function startSession(api: DriveApi, u: ResumableUpload, what: string): Promise<string> {
  return api.run('write', what, async ({ options }) => {
    const res = await api.http.request({
      ...options,
      url: `${api.rootUrl}upload/drive/v3/files`,
      method: 'POST',
      params: { uploadType: 'resumable', fields: fileFields, supportsAllDrives: 'true' },
      headers: {
        ...(options.headers as Record<string, string>),
        'content-type': 'application/json; charset=UTF-8',
        'x-upload-content-type': 'application/octet-stream',
        'x-upload-content-length': String(u.data.byteLength),
      },
      data: JSON.stringify({ name: u.name, parents: [u.parentId], mimeType: 'application/octet-stream' }),
      responseType: 'text',
      validateStatus: (s) => s === 200,
    });
    const location = res.headers.get('location');
    if (!location) throw new TransientDriveError('the resumable upload session has no Location');
    return new URL(location, api.rootUrl).toString();
  });
}

async function sendChunks(
  api: DriveApi,
  u: ResumableUpload,
  sessionUrl: string,
  what: string,
): Promise<DriveFile> {
  const total = u.data.byteLength;
  let offset = 0;
  for (;;) {
    const result: ChunkResult = await api.run<ChunkResult>(
      'write',
      what,
      async ({ options }) => {
        const len = Math.min(u.chunkSize, total - offset);
        const chunk = Buffer.from(u.data.buffer, u.data.byteOffset + offset, len);
        const r = await putToSession(
          api,
          options,
          sessionUrl,
          chunk,
          `bytes ${offset}-${offset + len - 1}/${total}`,
        );
        if ('offset' in r && (r.offset <= offset || r.offset > offset + len)) {
          throw new TransientDriveError(
            `the upload session holds ${r.offset} bytes after a chunk ending at ${offset + len}`,
          );
        }
        return r;
      },
      {
        auth: false,
        payloadBytes: Math.min(u.chunkSize, total - offset),
        // after a failure: where does the session stand? (it may hold none, part or all of the chunk)
        beforeRetry: async () => {
          api.countAttempt('write');
          const status = await putToSession(
            api,
            api.requestOptions(),
            sessionUrl,
            Buffer.alloc(0),
            `bytes */${total}`,
          );
          if ('done' in status) return status;
          if (status.offset > total)
            throw new TransientDriveError(`the session claims ${status.offset} of ${total} bytes`);
          if (status.offset > 0) api.stats.resumedUploads++;
          offset = status.offset;
          return undefined;
        },
        bytes: (r) => ('offset' in r ? r.offset - offset : total - offset),
      },
    );
    if ('done' in result) return result.done;
    offset = result.offset;
  }
}

async function putToSession(
  api: DriveApi,
  options: { timeout?: number; signal?: AbortSignal | null },
  sessionUrl: string,
  body: Buffer,
  contentRange: string,
): Promise<ChunkResult> {
  let res;
  try {
    res = await api.http.request<FileJson | string>({
      url: sessionUrl,
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-range': contentRange },
      data: body,
      retry: false,
      redirect: 'manual',
      // gaxios' default redactor walks a Buffer body byte by byte (~0.5 s of blocked event loop per
      // failed 8 MiB chunk); these requests carry no credentials to redact
      errorRedactor: false,
      responseType: 'json',
      ...(options.timeout ? { timeout: options.timeout } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      validateStatus: (s) => s === 200 || s === 201 || s === 308,
    });
  } catch (err) {
    const s = statusOf(err);
    if (s === 404 || s === 410) throw new UploadSessionLost(`HTTP ${s} from the upload session`);
    throw err;
  }
  if (res.status === 308) return { offset: offsetFromRange(res.headers.get('range')) };
  return { done: fileFromJson(typeof res.data === 'string' ? (JSON.parse(res.data) as FileJson) : res.data) };
}
