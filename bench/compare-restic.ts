/**
 * Lifeboat vs restic, side by side in one run on the same generated CRM-like data:
 * first backup, backup after ~1% changed, backup with nothing changed, full restore, repository size,
 * peak memory. Prints each ratio Lifeboat/restic. Not part of the test suite.
 *
 *   npx node bench/compare-restic.ts [--scale 1] [--small-files 0] [--keep]
 *
 * `--small-files N` adds N small attachments (0.5–4 KB: e-mails, notes), where per-file costs dominate.
 *
 * Both tools run warm (page cache) and alternate, restic with its default local cache.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { changeAboutOnePercent, defaultSize, generate } from './crm-data.ts';

const args = process.argv.slice(2);
const scale = Number(args[args.indexOf('--scale') + 1] ?? 1) || 1;
const keep = args.includes('--keep');
const smallFiles = args.includes('--small-files') ? Number(args[args.indexOf('--small-files') + 1]) || 0 : 0;
const password = 'bench-password';
const work = mkdtempSync(path.join(process.env.LIFEBOAT_BENCH_DIR ?? os.tmpdir(), 'lb-bench-'));
const data = path.join(work, 'data');
const cli = path.resolve('src/cli/main.ts');

interface Measured {
  seconds: number;
  peakMiB: number;
}

/** Runs a command under GNU time for wall clock and peak RSS. */
function measure(command: string[], env: NodeJS.ProcessEnv): Measured {
  const result = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %M', ...command], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const match = /__TIME__ ([\d.]+) (\d+)/.exec(result.stderr);
  if (result.status !== 0 || !match) throw new Error(`${command.join(' ')} failed:\n${result.stderr.slice(-3000)}`);
  return { seconds: Number(match[1]), peakMiB: Number(match[2]) / 1024 };
}

function dirSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirSize(full) : statSync(full).size;
  }
  return total;
}

const tools = {
  lifeboat: {
    repo: path.join(work, 'lifeboat-repo'),
    env: { LIFEBOAT_PASSWORD: password, LIFEBOAT_HOME: path.join(work, 'lb-home') },
    init(): string[] {
      return [process.execPath, cli, '--repo', this.repo, 'init'];
    },
    backup(): string[] {
      return [process.execPath, cli, '--repo', this.repo, 'backup', data];
    },
    restore(target: string): string[] {
      return [process.execPath, cli, '--repo', this.repo, 'restore', 'latest', '--target', target];
    },
  },
  restic: {
    repo: path.join(work, 'restic-repo'),
    env: { RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: path.join(work, 'restic-cache'), RESTIC_PROGRESS_FPS: '0' },
    init(): string[] {
      return ['restic', '-r', this.repo, 'init', '--repository-version', '2'];
    },
    backup(): string[] {
      return ['restic', '-r', this.repo, 'backup', '--quiet', data];
    },
    restore(target: string): string[] {
      return ['restic', '-r', this.repo, 'restore', 'latest', '--target', target];
    },
  },
};
type Tool = keyof typeof tools;
const order: Tool[] = ['restic', 'lifeboat'];
const results: Record<string, Record<Tool, Measured>> = {};

function step(name: string, command: (tool: Tool) => string[], before?: () => void): void {
  before?.();
  results[name] = {} as Record<Tool, Measured>;
  for (const tool of order) {
    results[name][tool] = measure(command(tool), tools[tool].env);
    process.stdout.write(`  ${name} — ${tool}: ${results[name][tool].seconds.toFixed(2)} s\n`);
  }
}

const size = { ...defaultSize, contacts: Math.round(defaultSize.contacts * scale), scanFiles: Math.round(defaultSize.scanFiles * scale), documentFiles: Math.round(defaultSize.documentFiles * scale), smallFiles };
process.stdout.write(`Generating CRM-like data in ${data} …\n`);
generate(data, size);
const dataBytes = dirSize(data);
process.stdout.write(`  ${(dataBytes / 2 ** 20).toFixed(0)} MiB in ${data}\n`);

for (const tool of order) spawnSync(tools[tool].init()[0]!, tools[tool].init().slice(1), { env: { ...process.env, ...tools[tool].env } });
step('first backup', (t) => tools[t].backup());
step('backup after ~1% changed', (t) => tools[t].backup(), () => changeAboutOnePercent(data, size));
step('backup, nothing changed', (t) => tools[t].backup());
step('full restore', (t) => {
  const target = path.join(work, `restore-${t}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target);
  return tools[t].restore(target);
});

const repoSize = { lifeboat: dirSize(tools.lifeboat.repo), restic: dirSize(tools.restic.repo) };
const peak = (tool: Tool): number => Math.max(...Object.values(results).map((r) => r[tool].peakMiB));

const rows: string[][] = [];
for (const [name, r] of Object.entries(results)) {
  rows.push([name, `${r.lifeboat.seconds.toFixed(2)} s`, `${r.restic.seconds.toFixed(2)} s`, (r.lifeboat.seconds / r.restic.seconds).toFixed(2)]);
}
rows.push(['repository size', `${(repoSize.lifeboat / 2 ** 20).toFixed(1)} MiB`, `${(repoSize.restic / 2 ** 20).toFixed(1)} MiB`, (repoSize.lifeboat / repoSize.restic).toFixed(3)]);
rows.push(['peak memory', `${peak('lifeboat').toFixed(0)} MiB`, `${peak('restic').toFixed(0)} MiB`, (peak('lifeboat') / peak('restic')).toFixed(2)]);
const widths = [28, 14, 14, 16];
const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('');
process.stdout.write(`\nData: ${(dataBytes / 2 ** 20).toFixed(0)} MiB, ${os.availableParallelism()} cores, restic ${spawnSync('restic', ['version'], { encoding: 'utf8' }).stdout.split(' ')[1]}\n`);
process.stdout.write(line(['', 'Lifeboat', 'restic', 'Lifeboat/restic']) + '\n');
for (const row of rows) process.stdout.write(line(row) + '\n');
if (!keep) rmSync(work, { recursive: true, force: true });
else process.stdout.write(`kept ${work}\n`);
