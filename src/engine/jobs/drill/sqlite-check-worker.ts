/** Worker thread for sqlite-check.ts: checks one database and posts the result. */
import { parentPort, workerData } from 'node:worker_threads';
import { checkSqliteFileSync } from './sqlite-check.ts';

const { file } = workerData as { file: string };
parentPort?.postMessage(checkSqliteFileSync(file));
