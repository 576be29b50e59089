/**
 * Worker-thread entry of the file pipeline: `workerData` is `{ key: MasterKey }` (given once at
 * start, never per task); each task is a whole file (FileTask), a segment of a big one (SegmentTask)
 * or a handful of small files (SmallFilesTask). See file-processor.ts for the protocol and file-saver.ts for the main-thread side.
 */
import { serveTasks } from './worker-runtime.ts';
import { processFile, processSegment, processSmallFiles } from './file-processor.ts';
import type { FileMessage, FileReply, FileWorkerResult, FileWorkerTask } from './file-processor.ts';
import type { MasterKey } from '../crypto.ts';
import { workerData } from 'node:worker_threads';

export interface FileWorkerData {
  key: MasterKey;
}

/** Buffers arrive as plain Uint8Arrays after the structured clone. */
function toBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

const raw = (workerData as FileWorkerData).key;
const key: MasterKey = { encrypt: toBuffer(raw.encrypt), macK: toBuffer(raw.macK), macR: toBuffer(raw.macR) };

serveTasks<FileWorkerTask, FileWorkerResult, FileMessage, FileReply>(async (task, ctx) => {
  if (!('kind' in task)) return { value: await processFile(task, key, ctx) };
  if (task.kind === 'segment') return { value: await processSegment(task, key, ctx) };
  return { value: await processSmallFiles(task, key, ctx) };
});
