/**
 * Every change to the Dropbox namespace (commit of an uploaded file, delete, folder creation) goes
 * through one lane, one at a time: Dropbox takes a lock on the namespace for each write, and parallel
 * writes from one app are what triggers `too_many_write_operations`. Commits that queue up while
 * the lane is busy are committed together with upload_session/finish_batch_v2 (one namespace write
 * for up to 1000 files); a commit alone uses files/upload (or upload_session/finish for a session).
 *
 * Every commit is verified: the content_hash Dropbox reports must equal ours. Retries are safe
 * because Dropbox treats a write of identical content to an existing file as success, and a commit
 * whose answer was lost is recognised by looking the file up.
 */
import type { files } from 'dropbox';
import { LifeboatError } from '../../../shared/errors.ts';
import { mapLimit } from '../../repo/concurrency.ts';
import type { DropboxApi } from './dropbox-api.ts';
import { dropboxFailure, dropboxFullError, failureHas, hasTag, isNotFound } from './errors.ts';
import { uploadToSession } from './upload-session.ts';
import type { SessionStats, UploadedSession } from './upload-session.ts';

interface Pending {
  path: string;
  data: Uint8Array;
  hash: string;
  session: UploadedSession | undefined;
  attempts: number;
  resolve: (meta: files.FileMetadata) => void;
  reject: (err: unknown) => void;
}

export interface CommitStats extends SessionStats {
  /** Files committed alone (files/upload or upload_session/finish). */
  singleCommits: number;
  batches: number;
  /** Files committed through finish_batch_v2. */
  batchedFiles: number;
  largestBatch: number;
  /** Files uploaded again after a failed or mismatching commit. */
  requeued: number;
}

const maxBatch = 1000;
const maxAttempts = 5;
/** Sessions opened at once to upload the small files of one batch. */
const startParallel = 8;

export class CommitQueue {
  readonly #api: DropboxApi;
  readonly #chunkSize: number;
  readonly #pending: Pending[] = [];
  #lane: Promise<unknown> = Promise.resolve();
  #pumpScheduled = false;
  readonly stats: CommitStats = {
    sessions: 0,
    appends: 0,
    offsetRecoveries: 0,
    singleCommits: 0,
    batches: 0,
    batchedFiles: 0,
    largestBatch: 0,
    requeued: 0,
  };

  constructor(api: DropboxApi, chunkSize: number) {
    this.#api = api;
    this.#chunkSize = chunkSize;
  }

  /** Commits a file: `data` small enough for one request, or already uploaded into `session`. */
  commit(path: string, data: Uint8Array, hash: string, session?: UploadedSession): Promise<files.FileMetadata> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ path, data, hash, session, attempts: 0, resolve, reject });
      this.#schedulePump();
    });
  }

  /** Runs a namespace write (delete, create folder) in the lane. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lane.then(fn, fn);
    this.#lane = run.catch(() => undefined);
    return run;
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    // Let writes issued in the same tick join the first batch.
    setImmediate(() => {
      void this.exclusive(async () => {
        this.#pumpScheduled = false;
        while (this.#pending.length > 0) await this.#commitBatch(this.#pending.splice(0, maxBatch));
      });
    });
  }

  async #commitBatch(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      await this.#commitOne(batch[0]!);
      return;
    }
    // Small files get a closed session each (uploads only; no namespace write yet).
    const ready: Pending[] = [];
    await mapLimit(batch, startParallel, async (p) => {
      try {
        p.session ??= await uploadToSession(this.#api, p.data, this.#chunkSize, p.path, this.stats);
        ready.push(p);
      } catch (err) {
        p.reject(err);
      }
    });
    if (ready.length === 0) return;
    let result: files.UploadSessionFinishBatchResult;
    try {
      result = await this.#api.call(
        async (sdk, o) =>
          (
            await sdk.filesUploadSessionFinishBatchV2(
              { entries: ready.map((p) => ({ cursor: { session_id: p.session!.sessionId, offset: p.session!.size }, commit: commitInfo(p.path) })) },
              o,
            )
          ).result,
        { what: `${ready.length} files` },
      );
    } catch (err) {
      for (const p of ready) p.reject(err);
      return;
    }
    this.stats.batches++;
    this.stats.batchedFiles += ready.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, ready.length);
    for (const [i, p] of ready.entries()) {
      const entry = result.entries[i];
      if (!entry) p.reject(new LifeboatError('INTERNAL', 'Dropbox answered a batch commit with fewer entries.'));
      else if (entry['.tag'] === 'success') await this.#verify(p, entry);
      else await this.#failed(p, entry.failure);
    }
  }

  async #commitOne(p: Pending): Promise<void> {
    this.stats.singleCommits++;
    try {
      // A big file uploaded again (after a failed or mismatching commit) needs a new session.
      if (!p.session && p.data.byteLength > this.#chunkSize) {
        p.session = await uploadToSession(this.#api, p.data, this.#chunkSize, p.path, this.stats);
      }
      const meta = await this.#api.call(
        async (sdk, o) => {
          try {
            if (p.session) {
              const cursor = { session_id: p.session.sessionId, offset: p.session.size };
              return (await sdk.filesUploadSessionFinish({ cursor, commit: commitInfo(p.path), contents: new Uint8Array(0) }, o)).result;
            }
            return (await sdk.filesUpload({ ...commitInfo(p.path), contents: p.data, content_hash: p.hash }, o)).result;
          } catch (err) {
            // A finish whose answer was lost: the session is gone, the file may be there already.
            const f = dropboxFailure(err);
            if (f?.status === 409 && failureHas(f, 'lookup_failed')) {
              const found = await this.#lookup(p.path);
              if (found?.content_hash === p.hash) return found;
            }
            throw err;
          }
        },
        { what: p.path, content: true },
      );
      await this.#verify(p, meta);
    } catch (err) {
      const f = dropboxFailure((err as { cause?: unknown }).cause);
      if (f && f.status === 409 && !failureHas(f, 'insufficient_space')) await this.#failed(p, f.error);
      else p.reject(err);
    }
  }

  /** A per-file failure (from a batch, or a single commit's endpoint error). */
  async #failed(p: Pending, failure: unknown): Promise<void> {
    if (hasTag(failure, 'insufficient_space')) return p.reject(dropboxFullError(`${p.path}: insufficient_space`));
    if (hasTag(failure, 'conflict')) return p.reject(existsError(p.path));
    if (hasTag(failure, 'too_many_write_operations') || hasTag(failure, 'lookup_failed')) {
      const found = await this.#lookup(p.path).catch(() => undefined);
      if (found?.content_hash === p.hash) return p.resolve(found);
      return this.#requeue(p, failure);
    }
    p.reject(new LifeboatError('INTERNAL', `Dropbox refused to save ${p.path}.`, { details: JSON.stringify(failure) }));
  }

  async #verify(p: Pending, meta: files.FileMetadata): Promise<void> {
    if (meta.content_hash === p.hash && meta.size === p.data.byteLength) return p.resolve(meta);
    // Dropbox kept other bytes than we sent: remove them and upload again.
    await this.#api
      .call(async (sdk, o) => (await sdk.filesDeleteV2({ path: p.path }, o)).result, { what: p.path })
      .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)))
      .catch(() => undefined);
    this.#requeue(p, `content_hash ${String(meta.content_hash)} != ${p.hash}`);
  }

  #requeue(p: Pending, why: unknown): void {
    p.attempts++;
    p.session = undefined;
    if (p.attempts >= maxAttempts) {
      p.reject(new LifeboatError('NETWORK', `Dropbox did not save ${p.path} correctly.`, {
        hint: 'Run the backup again.',
        details: typeof why === 'string' ? why : JSON.stringify(why),
      }));
      return;
    }
    this.stats.requeued++;
    this.#pending.push(p);
  }

  async #lookup(path: string): Promise<files.FileMetadata | undefined> {
    try {
      const meta = await this.#api.call(async (sdk, o) => (await sdk.filesGetMetadata({ path }, o)).result, { what: path });
      return meta['.tag'] === 'file' ? meta : undefined;
    } catch (err) {
      if (err instanceof LifeboatError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }
}

/** Write-once: add mode, no autorename, so an existing file with other content is a conflict. */
function commitInfo(path: string): files.CommitInfo {
  return { path, mode: { '.tag': 'add' }, autorename: false, mute: true };
}

function existsError(path: string): LifeboatError {
  return new LifeboatError('REPO_CORRUPT', `${path} already exists in Dropbox with other content.`, {
    details: 'repository files are written once and never replaced',
  });
}
