/**
 * The Drive v3 calls the backend makes, on the official @googleapis/drive client, with one retry
 * loop (ours) and one token source (a TokenProvider):
 * - the SDK's own retry is off (`retry: false` on every call): gaxios would retry only some
 *   methods and statuses, without Retry-After, and it would multiply with ours;
 * - `rootUrl` is passed per call, because an API-level rootUrl does not reach upload URLs
 *   (googleapis-common apirequest.ts builds mediaUrl from the per-call rootUrl);
 * - the bearer token goes in per-call headers; on 401 the provider is asked once for a forced
 *   refresh, and a second 401 is AUTH_REQUIRED;
 * - every HTTP attempt is counted in the RequestCounter under the backend operation it serves.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { drive } from '@googleapis/drive';
import type { MethodOptions, drive_v3 } from '@googleapis/drive';
import { gaxios } from 'google-auth-library';
import { LifeboatError } from '../../../shared/errors.ts';
import type { TokenProvider } from '../../auth/token-provider.ts';
import type { BackendOperation, ByteRange, RequestCounter } from '../backend.ts';
import { withRetry } from '../retry.ts';
import type { RetryOptions } from '../retry.ts';
import { classifyDriveError, statusOf, toLifeboatError, TransientDriveError } from './drive-errors.ts';

export const folderMime = 'application/vnd.google-apps.folder';
export const defaultDriveRootUrl = 'https://www.googleapis.com/';

/** The file fields we ask for everywhere (Drive returns only kind,id,name,mimeType without a mask). */
export const fileFields = 'id,name,mimeType,size,md5Checksum,parents,createdTime';
const listFields = `nextPageToken,files(${fileFields})`;

export interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  md5?: string;
  parents: string[];
  createdTime: string;
}

export type RetryTuning = Partial<Pick<RetryOptions, 'retries' | 'baseMs' | 'maxMs' | 'sleep' | 'random'>>;

export interface DriveApiOptions {
  /** Root of the Drive API, e.g. https://www.googleapis.com/ or an emulator's base URL. */
  rootUrl: string;
  tokens: TokenProvider;
  counter: RequestCounter;
  retry?: RetryTuning;
  signal?: AbortSignal;
  /** Per HTTP request (a stalled connection is a retryable failure); default 120 s. */
  timeoutMs?: number;
}

export interface DriveApiStats {
  requests: number;
  retries: number;
  forcedRefreshes: number;
  duplicatesRemoved: number;
  resumedUploads: number;
}

interface AttemptContext {
  token: string;
  options: MethodOptions;
}

export interface RunOptions<T> {
  /** Before each retry: look whether the earlier attempt took effect after all (lost response). */
  beforeRetry?: (attempt: number) => Promise<T | undefined>;
  /** Payload bytes of a successful attempt, for the request accounting. */
  bytes?: (result: T) => number;
  /** Session URIs of resumable uploads carry no bearer token. */
  auth?: boolean;
  /** Bytes sent or received, for the timeout. */
  payloadBytes?: number;
}

/** Drive query string literal: `'` and `\` escaped with a backslash. */
export function qString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

function toDriveFile(f: drive_v3.Schema$File): DriveFile {
  if (!f.id || f.name == null)
    throw new TransientDriveError('Google Drive returned a file without id or name');
  return {
    id: f.id,
    name: f.name,
    mimeType: f.mimeType ?? 'application/octet-stream',
    size: f.size == null ? 0 : Number(f.size),
    ...(f.md5Checksum ? { md5: f.md5Checksum } : {}),
    parents: f.parents ?? [],
    createdTime: f.createdTime ?? '',
  };
}

/** Oldest first (then by id), so every client picks the same copy among duplicates. */
export function byAge(a: DriveFile, b: DriveFile): number {
  if (a.createdTime !== b.createdTime) return a.createdTime < b.createdTime ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class DriveApi {
  readonly rootUrl: string;
  readonly stats: DriveApiStats = {
    requests: 0,
    retries: 0,
    forcedRefreshes: 0,
    duplicatesRemoved: 0,
    resumedUploads: 0,
  };
  readonly http = new gaxios.Gaxios();
  private readonly drive = drive({ version: 'v3' });
  private readonly tokens: TokenProvider;
  private readonly counter: RequestCounter;
  private readonly retry: RetryTuning;
  private readonly signal: AbortSignal | undefined;
  private readonly timeoutMs: number;

  constructor(opts: DriveApiOptions) {
    this.rootUrl = opts.rootUrl.endsWith('/') ? opts.rootUrl : `${opts.rootUrl}/`;
    this.tokens = opts.tokens;
    this.counter = opts.counter;
    this.retry = opts.retry ?? {};
    this.signal = opts.signal;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  /**
   * Per-request gaxios options: no SDK retry, our timeout and cancellation. The timeout grows with
   * the payload (at least 32 KiB/s), so a slow office line is not mistaken for a stalled request.
   */
  requestOptions(token?: string, payloadBytes = 0): MethodOptions {
    return {
      rootUrl: this.rootUrl,
      retry: false,
      timeout: this.timeoutMs + Math.ceil(payloadBytes / 32),
      ...(this.signal ? { signal: this.signal } : {}),
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    };
  }

  /** Counts an HTTP request made outside run() (a resumable session's status query). */
  countAttempt(op: BackendOperation, bytes = 0): void {
    this.stats.requests++;
    this.counter.count(op, bytes);
  }

  /** One logical operation: retried with backoff, 401 → one forced token refresh, counted per attempt. */
  async run<T>(
    op: BackendOperation,
    what: string,
    attempt: (ctx: AttemptContext) => Promise<T>,
    opts: RunOptions<T> = {},
  ): Promise<T> {
    const one = async (forceRefresh: boolean): Promise<T> => {
      const token =
        opts.auth === false
          ? ''
          : await this.tokens.accessToken({
              ...(forceRefresh ? { forceRefresh } : {}),
              ...(this.signal ? { signal: this.signal } : {}),
            });
      this.stats.requests++;
      let result: T;
      try {
        result = await attempt({
          token,
          options: this.requestOptions(token || undefined, opts.payloadBytes),
        });
      } catch (err) {
        this.counter.count(op, 0);
        throw err;
      }
      this.counter.count(op, opts.bytes?.(result) ?? 0);
      return result;
    };
    const authed = async (): Promise<T> => {
      try {
        return await one(false);
      } catch (err) {
        if (opts.auth === false || statusOf(err) !== 401) throw err;
        this.stats.forcedRefreshes++;
        try {
          return await one(true);
        } catch (again) {
          if (statusOf(again) === 401) throw toLifeboatError(again, what);
          throw again;
        }
      }
    };
    try {
      return await withRetry(
        async (n) => {
          if (n > 0 && opts.beforeRetry) {
            const done = await opts.beforeRetry(n);
            if (done !== undefined) return done;
          }
          return authed();
        },
        {
          ...this.retry,
          classify: classifyDriveError,
          ...(this.signal ? { signal: this.signal } : {}),
          onRetry: () => {
            this.stats.retries++;
          },
        },
      );
    } catch (err) {
      throw toLifeboatError(err, what, this.signal);
    }
  }

  /** files.list over every page (Drive may return short pages before the end). */
  async listAll(op: BackendOperation, q: string, what: string): Promise<DriveFile[]> {
    const out: DriveFile[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.run(op, what, async ({ options }) => {
        const res = await this.drive.files.list(
          {
            q,
            fields: listFields,
            pageSize: 1000,
            spaces: 'drive',
            ...(pageToken ? { pageToken } : {}),
          },
          options,
        );
        return res.data;
      });
      for (const f of page.files ?? []) out.push(toDriveFile(f));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  /** Children of any of `parents` (duplicated folders are read as one), in batches of 50 parents. */
  async listChildren(
    op: BackendOperation,
    parents: readonly string[],
    filter: { name?: string; folders?: boolean },
    what: string,
  ): Promise<DriveFile[]> {
    const out: DriveFile[] = [];
    for (let i = 0; i < parents.length; i += 50) {
      const group = parents.slice(i, i + 50);
      const inParents = group.map((id) => `${qString(id)} in parents`).join(' or ');
      const terms = [group.length > 1 ? `(${inParents})` : inParents, 'trashed = false'];
      if (filter.name !== undefined) terms.push(`name = ${qString(filter.name)}`);
      if (filter.folders === true) terms.push(`mimeType = ${qString(folderMime)}`);
      if (filter.folders === false) terms.push(`mimeType != ${qString(folderMime)}`);
      out.push(...(await this.listAll(op, terms.join(' and '), what)));
    }
    return out;
  }

  /**
   * files.get alt=media, whole or a byte range. A short body, or a whole file whose md5 differs
   * from Drive's md5Checksum, is a transient failure (retried).
   */
  async download(
    op: BackendOperation,
    fileId: string,
    what: string,
    range?: ByteRange,
    expectedSize?: number,
    expectedMd5?: string,
  ): Promise<Buffer> {
    return this.run(
      op,
      what,
      async ({ options }) => {
        const headers = { ...(options.headers as Record<string, string>) };
        if (range) headers.range = `bytes=${range.offset}-${range.offset + range.length - 1}`;
        const res = await this.drive.files.get(
          { fileId, alt: 'media', supportsAllDrives: true },
          { ...options, headers, responseType: 'arraybuffer' },
        );
        let data = Buffer.from(res.data as unknown as ArrayBuffer);
        if (range && res.status === 200) data = data.subarray(range.offset, range.offset + range.length); // Range ignored
        const want = range ? range.length : expectedSize;
        if (want !== undefined && data.length !== want) {
          if (range && expectedSize !== undefined && range.offset + range.length > expectedSize) {
            throw new LifeboatError('REPO_CORRUPT', `${what} is shorter than expected.`, {
              details: `wanted ${range.length} bytes at ${range.offset}, the file has ${expectedSize}`,
            });
          }
          throw new TransientDriveError(`short read of ${what}: ${data.length} of ${want} bytes`);
        }
        if (!range && expectedMd5 && md5Hex(data) !== expectedMd5) {
          throw new TransientDriveError(`${what} arrived damaged (md5 differs from Drive's md5Checksum)`);
        }
        return data;
      },
      { bytes: (b) => b.length, payloadBytes: range ? range.length : (expectedSize ?? 0) },
    );
  }

  async getFile(op: BackendOperation, fileId: string, what: string): Promise<DriveFile> {
    return this.run(op, what, async ({ options }) => {
      const res = await this.drive.files.get(
        { fileId, fields: fileFields, supportsAllDrives: true },
        options,
      );
      return toDriveFile(res.data);
    });
  }

  /** A folder; a lost response is detected by looking the name up before retrying. */
  async createFolder(name: string, parentId: string): Promise<DriveFile> {
    return this.run(
      'write',
      `create folder ${name}`,
      async ({ options }) => {
        const res = await this.drive.files.create(
          {
            requestBody: { name, mimeType: folderMime, parents: [parentId] },
            fields: fileFields,
            supportsAllDrives: true,
          },
          options,
        );
        return toDriveFile(res.data);
      },
      {
        beforeRetry: async () => {
          const found = await this.listChildren(
            'write',
            [parentId],
            { name, folders: true },
            `look up folder ${name}`,
          );
          return found.sort(byAge)[0];
        },
      },
    );
  }

  /** A small file in one multipart/related request (the SDK builds the body). */
  async uploadMultipart(
    name: string,
    parentId: string,
    data: Uint8Array,
    md5: string,
    beforeRetry: () => Promise<DriveFile | undefined>,
  ): Promise<DriveFile> {
    const what = `upload ${name}`;
    return this.run(
      'write',
      what,
      async ({ options }) => {
        const res = await this.drive.files.create(
          {
            requestBody: { name, parents: [parentId], mimeType: 'application/octet-stream' },
            media: { mimeType: 'application/octet-stream', body: Readable.from([Buffer.from(data)]) },
            fields: fileFields,
            supportsAllDrives: true,
          },
          options,
        );
        const file = toDriveFile(res.data);
        await this.verifyUpload(file, data.byteLength, md5, what);
        return file;
      },
      { beforeRetry, bytes: () => data.byteLength, payloadBytes: data.byteLength },
    );
  }

  /** md5Checksum and size of what Drive stored must equal ours; a bad copy is deleted and the upload retried. */
  async verifyUpload(file: DriveFile, size: number, md5: string, what: string): Promise<void> {
    if (file.size === size && file.md5 === md5) return;
    await this.deleteFile(file.id, `remove the damaged upload of ${file.name}`).catch(() => undefined);
    throw new TransientDriveError(
      `${what}: Drive stored ${file.size} bytes with md5 ${file.md5 ?? '?'}, expected ${size} bytes with md5 ${md5}`,
    );
  }

  /** Permanent delete (skips the trash); an already missing file is fine. */
  async deleteFile(fileId: string, what: string): Promise<void> {
    await this.run('remove', what, async ({ options }) => {
      try {
        await this.drive.files.delete({ fileId, supportsAllDrives: true }, options);
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    });
  }

  /** The account's storage quota (about.get storageQuota): limit is absent for unlimited storage. */
  async storageQuota(): Promise<{ limit?: number; usage: number }> {
    return this.run('stat', 'read the storage quota', async ({ options }) => {
      const res = await this.drive.about.get({ fields: 'storageQuota(limit,usage)' }, options);
      const quota = res.data.storageQuota;
      const limit = quota?.limit ? Number(quota.limit) : undefined;
      return {
        ...(limit !== undefined && Number.isFinite(limit) ? { limit } : {}),
        usage: Number(quota?.usage ?? 0) || 0,
      };
    });
  }

  async about(): Promise<{ emailAddress?: string; displayName?: string; permissionId?: string }> {
    return this.run('stat', 'read the account', async ({ options }) => {
      const res = await this.drive.about.get(
        { fields: 'user(emailAddress,displayName,permissionId)' },
        options,
      );
      return {
        ...(res.data.user?.emailAddress ? { emailAddress: res.data.user.emailAddress } : {}),
        ...(res.data.user?.displayName ? { displayName: res.data.user.displayName } : {}),
        ...(res.data.user?.permissionId ? { permissionId: res.data.user.permissionId } : {}),
      };
    });
  }
}
