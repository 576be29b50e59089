/** worker-url.ts: the bundled .js sibling wins, the .ts source otherwise, nothing when neither exists. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findWorkerScript, workerScript } from '../../src/engine/repo/worker-url.ts';

let dir: string;
const url = (name: string): URL => pathToFileURL(path.join(dir, name));

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-worker-url-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('worker scripts', () => {
  it('uses the .ts source when only it exists (running from source)', async () => {
    await writeFile(path.join(dir, 'x-worker.ts'), '');
    expect(findWorkerScript(url('x-worker.ts'))?.href).toBe(url('x-worker.ts').href);
  });

  it('prefers the bundled .js sibling', async () => {
    await writeFile(path.join(dir, 'x-worker.ts'), '');
    await writeFile(path.join(dir, 'x-worker.js'), '');
    expect(findWorkerScript(url('x-worker.ts'))?.href).toBe(url('x-worker.js').href);
  });

  it('finds nothing when neither exists; workerScript then keeps the source so starting it fails loudly', () => {
    expect(findWorkerScript(url('x-worker.ts'))).toBeUndefined();
    expect(workerScript(url('x-worker.ts')).href).toBe(url('x-worker.ts').href);
    expect(findWorkerScript(new URL('data:text/javascript,1'))).toBeUndefined();
  });
});
