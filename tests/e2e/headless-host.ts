import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RunningHost {
  url: string;
  home: string;
  stop(): Promise<void>;
}

/**
 * Starts `lifeboat serve` exactly as a user would (the real CLI, a fresh LIFEBOAT_HOME) and returns the
 * URL it printed.
 */
export async function startHost(
  home = mkdtempSync(path.join(os.tmpdir(), 'lb-e2e-')),
  /** Extra environment for the engine (emulator URLs, the secrets file). */
  env: NodeJS.ProcessEnv = {},
): Promise<RunningHost> {
  const child: ChildProcess = spawn(process.execPath, ['src/cli/main.ts', 'serve'], {
    // A fixed locale, so the first start is in English whatever the machine's language is.
    env: { ...process.env, LIFEBOAT_HOME: home, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lifeboat serve printed no URL:\n${output}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`lifeboat serve exited with ${code}:\n${output}`)));
  });
  return {
    url,
    home,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
