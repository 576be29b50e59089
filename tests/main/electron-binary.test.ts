import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executableInDist, findElectronBinary } from '../../src/main/electron-binary.ts';

const electronDir = '/repo/node_modules/electron';

function probe(files: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  return findElectronBinary({
    electronDir,
    env,
    platform: 'linux',
    exists: (file) => Object.hasOwn(files, path.normalize(file)),
    readText: (file) => files[path.normalize(file)],
  });
}

describe('findElectronBinary', () => {
  it('finds the binary a completed download left in dist/', () => {
    const files = { [`${electronDir}/path.txt`]: 'electron\n', [`${electronDir}/dist/electron`]: '' };
    expect(probe(files)).toBe(`${electronDir}/dist/electron`);
  });

  it('reports none when the package is installed without its binary (this machine)', () => {
    expect(probe({})).toBeNull();
    expect(probe({ [`${electronDir}/path.txt`]: 'electron' })).toBeNull();
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH and ELECTRON_EXEC_PATH', () => {
    expect(probe({ '/opt/electron/electron': '' }, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' })).toBe(
      '/opt/electron/electron',
    );
    expect(probe({}, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' })).toBeNull();
    expect(probe({ '/usr/bin/electron45': '' }, { ELECTRON_EXEC_PATH: '/usr/bin/electron45' })).toBe(
      '/usr/bin/electron45',
    );
  });

  it('names the executable per platform', () => {
    expect(executableInDist('win32')).toBe('electron.exe');
    expect(executableInDist('darwin')).toBe('Electron.app/Contents/MacOS/Electron');
    expect(executableInDist('linux')).toBe('electron');
  });

  it('works against the real node_modules without loading the electron package', () => {
    const real = findElectronBinary({ electronDir: path.resolve('node_modules/electron'), env: {} });
    expect(real === null || path.isAbsolute(real)).toBe(true);
  });
});
