import { execFileSync, spawn } from 'node:child_process';

/** Path of the real restic binary, or undefined when it is not installed. */
export const resticPath: string | undefined = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v restic'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();

export const hasRestic = resticPath !== undefined;

/** Printed by suites that need restic, so a skipped interop test is never silent. */
export const resticMissingMessage =
  'restic binary not found: interop tests skipped (apt-get install -y restic to run them)';

if (!hasRestic) console.warn(resticMissingMessage);

export interface ResticResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `restic -r <repo> --no-cache <args>` with RESTIC_PASSWORD set. */
export function restic(
  repo: string,
  args: string[],
  opts: { password?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<ResticResult> {
  if (!resticPath) throw new Error(resticMissingMessage);
  return new Promise((resolve, reject) => {
    const child = spawn(resticPath, ['-r', repo, '--no-cache', ...args], {
      cwd: opts.cwd,
      env: {
        ...process.env,
        RESTIC_PASSWORD: opts.password ?? 'test-password',
        RESTIC_PROGRESS_FPS: '0',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like `restic` but throws with restic's output when it exits non-zero. */
export async function resticOk(
  repo: string,
  args: string[],
  opts: Parameters<typeof restic>[2] = {},
): Promise<string> {
  const r = await restic(repo, args, opts);
  if (r.code !== 0)
    throw new Error(`restic ${args.join(' ')} failed (${String(r.code)}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}
