/**
 * Worker-thread entry of restore: `workerData` is `{ key: MasterKey }` (given once at start);
 * each task is a RestoreJob whose pack bytes were moved here, not copied. See restore-job.ts.
 */
import { workerData } from 'node:worker_threads';
import type { MasterKey } from './crypto.ts';
import { release, runRestoreJob } from './restore-job.ts';
import type { RestoreJob, RestoreJobResult } from './restore-job.ts';
import { serveTasks } from './workers/worker-runtime.ts';

export interface RestoreWorkerData {
  key: MasterKey;
}

/** Buffers arrive as plain Uint8Arrays after the structured clone. */
function toBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

const raw = (workerData as RestoreWorkerData).key;
const key: MasterKey = { encrypt: toBuffer(raw.encrypt), macK: toBuffer(raw.macK), macR: toBuffer(raw.macR) };

serveTasks<RestoreJob, RestoreJobResult>((job) => {
  try {
    return { value: runRestoreJob(key, job) };
  } finally {
    release(job.data); // moved here by the main thread: nobody else holds it
  }
});
