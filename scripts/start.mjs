// `npm start`: the desktop app when an Electron binary is installed, otherwise the same UI served by the
// headless host in the browser. Run by the project's Node 24 (it imports a .ts module directly).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from '../src/main/electron-binary.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs an npm script with the npm that launched us (npm_execpath), so it works on every OS. */
function runScript(script, env = process.env) {
  const npmCli = process.env.npm_execpath;
  const child = npmCli
    ? spawn(process.execPath, [npmCli, 'run', script], { cwd: root, env, stdio: 'inherit' })
    : spawn('npm', ['run', script], {
        cwd: root,
        env,
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = findElectronBinary({ electronDir: path.join(root, 'node_modules', 'electron') });
if (electron) {
  // electron-vite reads ELECTRON_EXEC_PATH, so an ELECTRON_OVERRIDE_DIST_PATH binary is used as is.
  runScript('dev:desktop', { ...process.env, ELECTRON_EXEC_PATH: electron });
} else {
  console.log(
    "Electron's binary is not installed on this machine; starting Lifeboat headless in your browser instead",
  );
  runScript('serve');
}
