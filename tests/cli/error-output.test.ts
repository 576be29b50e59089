/** A failing command prints `lifeboat: [CODE] message` (+ hint), so scripts and support can match the code. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'lifeboat-cli-errors-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('command line errors', () => {
  it('prints the error code before the message and keeps exit code 1', async () => {
    const missing = path.join(home, 'no-such-repo');
    const result = await runCli(['--repo', missing, 'snapshots'], {
      env: { LIFEBOAT_HOME: home, LIFEBOAT_PASSWORD: 'x' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `lifeboat: [REPO_NOT_FOUND] There is no repository at ${missing}.\n` +
        'hint: Check the location, or create a new repository there.\n',
    );
  });
});
