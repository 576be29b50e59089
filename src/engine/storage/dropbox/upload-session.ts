/**
 * Large files through an upload session: start with the first chunk, append_v2 the rest, the last
 * append closes the session; the commit (finish or finish_batch_v2) is done by the commit queue.
 *
 * A chunk whose answer is lost (dropped connection, 5xx after the server kept the bytes) is sent
 * again; Dropbox then answers `incorrect_offset` with `correct_offset`, the number of bytes it really
 * has, and we carry on from there (we hold the whole file, so any offset can be resent).
 */
import { LifeboatError } from '../../../shared/errors.ts';
import { dropboxContentHash } from './content-hash.ts';
import type { DropboxApi } from './dropbox-api.ts';
import { correctOffset, dropboxFailure, failureHas } from './errors.ts';

export const mib = 1024 * 1024;
/** Dropbox recommends chunks that are multiples of 4 MiB; one call may carry at most 150 MiB. */
export const defaultChunkSize = 8 * mib;
export const maxChunkSize = 148 * mib;

export function checkChunkSize(size: number): number {
  if (!Number.isInteger(size) || size <= 0 || size % (4 * mib) !== 0 || size > maxChunkSize) {
    throw new LifeboatError('INVALID_ARGUMENT', 'The Dropbox chunk size must be a multiple of 4 MiB, at most 148 MiB.');
  }
  return size;
}

export interface UploadedSession {
  sessionId: string;
  size: number;
}

export interface SessionStats {
  sessions: number;
  appends: number;
  /** Times Dropbox said incorrect_offset and the upload resumed from its offset. */
  offsetRecoveries: number;
}

/** Uploads `data` into a new, closed upload session. */
export async function uploadToSession(
  api: DropboxApi,
  data: Uint8Array,
  chunkSize: number,
  what: string,
  stats: SessionStats,
): Promise<UploadedSession> {
  const size = data.byteLength;
  const first = data.subarray(0, Math.min(chunkSize, size));
  const close = first.byteLength === size;
  const sessionId = await api.call(
    async (sdk, o) =>
      (await sdk.filesUploadSessionStart({ close, contents: first, content_hash: dropboxContentHash(first) }, o)).result
        .session_id,
    { what, content: true },
  );
  stats.sessions++;
  let offset = first.byteLength;
  let recoveries = 0;
  while (offset < size) {
    await api.call(
      async (sdk, o) => {
        const end = Math.min(offset + chunkSize, size);
        const chunk = data.subarray(offset, end);
        const last = end === size;
        stats.appends++;
        try {
          await sdk.filesUploadSessionAppendV2(
            { cursor: { session_id: sessionId, offset }, close: last, contents: chunk, content_hash: dropboxContentHash(chunk) },
            o,
          );
          offset = end;
        } catch (err) {
          const f = dropboxFailure(err);
          if (f?.status !== 409) throw err;
          const actual = correctOffset(f.error);
          if (actual !== undefined && actual >= 0 && actual <= size && recoveries < 50) {
            recoveries++;
            stats.offsetRecoveries++;
            offset = actual; // the server has exactly `actual` bytes: continue from there
            return;
          }
          // The closing append arrived but its answer did not: the session is complete and closed.
          if (last && failureHas(f, 'closed')) {
            offset = size;
            return;
          }
          throw err;
        }
      },
      { what, content: true },
    );
  }
  return { sessionId, size };
}
