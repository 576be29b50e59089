import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasRestic, resticOk } from '../helpers/restic.ts';
import { runCli } from '../helpers/run-cli.ts';

// The backup process is killed with SIGKILL at many different moments. After each kill the repository
// must check clean with Lifeboat and with restic, the next backup must complete, and every snapshot
// made so far must restore exactly as it was.

const password = 'crash-test';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lb-crash-'));
const repo = path.join(tmp, 'repo');
const source = path.join(tmp, 'source');
const env = { LIFEBOAT_PASSWORD: password, LIFEBOAT_HOME: path.join(tmp, 'home') };
const lb = (args: string[]) => runCli(['--repo', repo, ...args], { env });

function manifest(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) Object.assign(out, manifest(full, rel));
    else out[rel] = createHash('sha256').update(readFileSync(full)).digest('hex');
  }
  return out;
}

/** New content every round: some random (incompressible) files, some text, one edited file. */
function mutate(round: number): void {
  const dir = path.join(source, `round-${round}`);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 6; i++) writeFileSync(path.join(dir, `scan-${i}.bin`), randomBytes(700_000));
  for (let i = 0; i < 30; i++) writeFileSync(path.join(dir, `note-${i}.txt`), `round ${round} note ${i}\n`.repeat(2000));
  writeFileSync(path.join(source, 'ledger.csv'), `balance,${round}\n`.repeat(50_000 + round));
}

function backupAndKill(delayMs: number): Promise<{ killed: boolean }> {
  return new Promise((resolve, reject) => {
    // --force: every round reads everything, so it lasts at least as long as the measured first backup.
    const child = spawn(process.execPath, [path.resolve('src/cli/main.ts'), '--repo', repo, 'backup', '--force', '--pack-size', '1', source], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL' || code !== 0 });
    });
  });
}

describe.skipIf(!hasRestic)('crash safety: SIGKILL during backup', () => {
  it('leaves a repository that checks clean, and every earlier snapshot restores identically', async () => {
    mkdirSync(source, { recursive: true });
    mutate(0);
    expect((await lb(['init'])).code).toBe(0);
    const expected = new Map<string, Record<string, string>>();

    const timed = Date.now();
    const first = await lb(['backup', '--pack-size', '1', '--json', source]);
    const fullMs = Date.now() - timed;
    expect(first.code, first.stderr).toBe(0);
    expected.set(JSON.parse(first.stdout).snapshotId, manifest(source));

    const moments = 12;
    let kills = 0;
    for (let round = 1; round <= moments; round++) {
      mutate(round);
      // Spread the kill over the whole run: start-up, scanning, pack uploads, index, snapshot.
      const { killed } = await backupAndKill(Math.round((fullMs * 0.9 * round) / (moments + 1)));
      if (killed) kills++;
      const ours = await lb(['check']);
      expect(ours.code, `lifeboat check after kill ${round}: ${ours.stdout}${ours.stderr}`).toBe(0);
      await resticOk(repo, ['check'], { password });
      // A backup that was not killed (it finished before the signal) is a real snapshot too.
      const snaps = JSON.parse((await lb(['snapshots', '--json'])).stdout) as { id: string }[];
      for (const s of snaps) if (!expected.has(s.id)) expected.set(s.id, manifest(source));
    }
    expect(kills).toBeGreaterThanOrEqual(10);

    const last = await lb(['backup', '--json', source]);
    expect(last.code, last.stderr).toBe(0);
    expected.set(JSON.parse(last.stdout).snapshotId, manifest(source));
    await resticOk(repo, ['check', '--read-data'], { password });

    for (const [id, files] of expected) {
      const target = path.join(tmp, `restore-${id.slice(0, 8)}`);
      const restored = await lb(['restore', id, '--target', target]);
      expect(restored.code, restored.stderr).toBe(0);
      expect(manifest(path.join(target, source))).toEqual(files);
      rmSync(target, { recursive: true, force: true });
    }
    expect(statSync(repo).isDirectory()).toBe(true);
  }, 300_000);
});
