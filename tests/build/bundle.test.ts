/**
 * The packaged desktop app runs the engine from the electron-vite bundle (out/main), where the .ts
 * worker scripts do not exist. This builds the real main config (plus a probe entry, probe.config.ts)
 * with `electron-vite build` — which needs no Electron binary — and runs a backup, a restore and a
 * SQLite check through the bundled code in a plain Node process: every worker must start from its
 * bundled .js file, and nothing on that path may import electron.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerEntries } from '../../electron.vite.config.ts';

const root = path.resolve(import.meta.dirname, '../..');
// Two levels below the project, like out/main: the engine reads ../../package.json from its bundle.
const outDir = path.join(root, 'out', `bundle-test-${process.pid}`);
let work: string;

/** Every worker script the engine starts: `new URL('./x-worker.ts', import.meta.url)` in src/. */
function workerSites(): { file: string; name: string; line: string }[] {
  const sites: { file: string; name: string; line: string }[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        for (const line of readFileSync(p, 'utf8').split('\n')) {
          const m = /new URL\('\.\/([\w-]+)\.ts', import\.meta\.url\)/.exec(line);
          const comment = /^\s*(\*|\/\/|\/\*)/.test(line);
          if (m && !comment) sites.push({ file: path.relative(root, p), name: m[1]!, line: line.trim() });
        }
      }
    }
  };
  for (const dir of ['src/engine', 'src/main', 'src/headless', 'src/cli']) walk(path.join(root, dir));
  return sites;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'lifeboat-bundle-'));
  const bin = path.join(root, 'node_modules/electron-vite/bin/electron-vite.js');
  const built = spawnSync(
    process.execPath,
    [bin, 'build', '-c', 'tests/build/probe.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      env: {
        ...process.env,
        LIFEBOAT_PROBE_OUT: outDir,
        // what a release build is given (bundled-clients.ts): baked into the bundle
        LIFEBOAT_GOOGLE_CLIENT_ID: 'release-client.apps.googleusercontent.com',
        LIFEBOAT_GOOGLE_CLIENT_SECRET: 'release-secret',
        LIFEBOAT_DROPBOX_APP_KEY: 'releaseappkey',
      },
      encoding: 'utf8',
    },
  );
  if (built.status !== 0) throw new Error(`electron-vite build failed:\n${built.stdout}\n${built.stderr}`);
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

describe('desktop bundle', () => {
  it('builds the main entry and one .js file per worker the engine starts', () => {
    expect(existsSync(path.join(outDir, 'index.js'))).toBe(true);
    const sites = workerSites();
    expect(sites.map((s) => s.name).sort()).toEqual(Object.keys(workerEntries).sort());
    for (const site of sites) {
      // Started through worker-url.ts, which is what finds the bundled .js file.
      expect(site.line, site.file).toMatch(/(findWorkerScript|workerScript)\(new URL\(/);
      expect(existsSync(path.join(outDir, `${site.name}.js`)), `${site.name}.js`).toBe(true);
    }
  });

  it('backs up and restores through the bundled workers in plain Node, without electron', () => {
    const env = { ...process.env };
    for (const name of [
      'LIFEBOAT_GOOGLE_CLIENT_ID',
      'LIFEBOAT_GOOGLE_CLIENT_SECRET',
      'LIFEBOAT_DROPBOX_APP_KEY',
    ])
      delete env[name];
    const run = spawnSync(process.execPath, [path.join(outDir, 'probe.js'), work], {
      encoding: 'utf8',
      timeout: 30_000,
      env,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as {
      oauth: Record<string, string>;
      workers: string[];
      filesRead: number;
      restoredFiles: number;
      restoreErrors: unknown[];
      identical: boolean;
      sqlite: { ok: boolean };
    };
    const bundled = (name: string): string => pathToFileURL(path.join(outDir, `${name}.js`)).href;
    expect(new Set(result.workers)).toEqual(
      new Set([bundled('file-worker'), bundled('restore-worker'), bundled('sqlite-check-worker')]),
    );
    expect(result).toMatchObject({ filesRead: 3, restoredFiles: 3, restoreErrors: [], identical: true });
    expect(result.sqlite.ok).toBe(true);
    // a shop owner signs in with the clients the release build carries, registering nothing
    expect(result.oauth).toEqual({
      googleClientId: 'release-client.apps.googleusercontent.com',
      googleClientSecret: 'release-secret',
      dropboxAppKey: 'releaseappkey',
    });
  });
});
