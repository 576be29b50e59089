import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../src/engine/secrets/keychain-store.ts';
import { secretAccounts } from '../../src/engine/secrets/secret-store.ts';
import type { JobSummary } from '../../src/shared/contract.ts';
import type { Job, JobHistory, JobRun } from '../../src/shared/jobs.ts';
import { ensureKeyring, keyringSkipMessage } from '../helpers/keyring.ts';
import { runCli, type CliResult } from '../helpers/run-cli.ts';

// `lifeboat job …` end to end: the real command line in child processes, the password kept in the
// encrypted secrets file or in a real keychain (gnome-keyring on a private D-Bus), never on disk.

const password = `job-cli-${randomBytes(6).toString('hex')}`;
const keyring = await ensureKeyring();
if (!keyring.available) console.warn(keyringSkipMessage(keyring));
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe.each(['file', 'keychain'] as const)('lifeboat job, secrets in the %s', (secrets) => {
  const skip = secrets === 'keychain' && !keyring.available;
  const tmp = mkdtempSync(path.join(os.tmpdir(), `lb-cli-job-${secrets}-`));
  const home = path.join(tmp, 'home');
  const repo = path.join(tmp, 'repo');
  const source = path.join(tmp, 'source');
  const printed: string[] = [];
  const secretEnv =
    secrets === 'file' ? { LIFEBOAT_SECRETS: 'file', LIFEBOAT_SECRETS_PASSPHRASE: 'office passphrase' } : {};
  /** Without LIFEBOAT_PASSWORD: job commands must find the password where `job add` put it. */
  const lb = async (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const result = await runCli(args, {
      env: { LIFEBOAT_HOME: home, LIFEBOAT_PASSWORD: '', ...secretEnv, ...extra },
    });
    printed.push(result.stdout, result.stderr);
    return result;
  };
  const json = <T>(r: CliResult): T => {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  it.skipIf(skip)('add, list, show, run, history, log, pause, resume, remove', async () => {
    mkdirSync(path.join(source, 'Клиенты'), { recursive: true });
    writeFileSync(path.join(source, 'Клиенты', 'contacts.csv'), 'id,name\n1,Иван\n'.repeat(100));
    writeFileSync(path.join(source, 'scratch.tmp'), 'not this');
    const init = await lb(['--repo', repo, 'init'], { LIFEBOAT_PASSWORD: password });
    expect(init.code, init.stderr).toBe(0);

    const noSchedule = await lb(['job', 'add', '--repo', repo, '--name', 'CRM', '--source', source], {
      LIFEBOAT_PASSWORD: password,
    });
    expect(noSchedule.code).toBe(1);
    expect(noSchedule.stderr).toContain('Choose one schedule');

    const job = json<Job>(
      await lb(
        [
          'job',
          'add',
          '--repo',
          repo,
          '--name',
          'CRM',
          '--source',
          source,
          '--exclude',
          '*.tmp',
          '--weekly',
          'mon,thu@02:30',
          '--timezone',
          'Europe/Moscow',
          '--keep-daily',
          '7',
          '--keep-weekly',
          '4',
          '--json',
        ],
        { LIFEBOAT_PASSWORD: password },
      ),
    );
    expect(job).toMatchObject({
      name: 'CRM',
      sources: [{ kind: 'folder', path: source, excludes: ['*.tmp'] }],
      destination: { location: { kind: 'local', path: repo } },
      schedule: { kind: 'weekly', days: [1, 4], at: '02:30', timezone: 'Europe/Moscow' },
      retention: { kind: 'custom', keepDaily: 7, keepWeekly: 4 },
      enabled: true,
    });
    const wrong = await lb(
      ['job', 'add', '--repo', repo, '--name', 'Bad', '--source', source, '--daily', '03:00'],
      { LIFEBOAT_PASSWORD: 'wrong' },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/password/i);

    const list = json<JobSummary[]>(await lb(['job', 'list', '--json']));
    expect(list).toEqual([
      expect.objectContaining({ id: job.id, name: 'CRM', status: 'idle', lastSuccessAt: null }),
    ]);
    expect(new Date(list[0]!.nextRunAt!).getUTCMinutes()).toBe(30);
    const human = await lb(['job', 'list']);
    expect(human.stdout).toContain('weekly on Mon,Thu at 02:30 (Europe/Moscow)');
    expect((await lb(['job', 'show', 'crm'])).stdout).toContain(`repository:  ${repo}`);

    const run = await lb(['job', 'run', 'CRM', '--json']);
    const result = json<JobRun>(run);
    expect(result).toMatchObject({ status: 'ok', trigger: 'manual', stats: { filesNew: 1 } });

    const history = json<JobHistory>(await lb(['job', 'history', job.id, '--json']));
    expect(history.repository.checked).toBe(true);
    expect(history.entries).toEqual([
      expect.objectContaining({
        kind: 'run',
        snapshot: 'present',
        run: expect.objectContaining({ runId: result.runId }),
      }),
    ]);
    const table = await lb(['job', 'history', 'CRM']);
    expect(table.stdout).toContain(result.runId);

    const log = await lb(['job', 'log', 'CRM', result.runId]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toMatch(/Snapshot [0-9a-f]{8} saved/);
    expect((await lb(['job', 'log', 'CRM', '../../etc/passwd'])).code).toBe(1);

    expect(json<JobSummary>(await lb(['job', 'pause', 'CRM', '--json']))).toMatchObject({
      status: 'paused',
      nextRunAt: null,
    });
    expect(json<JobSummary>(await lb(['job', 'resume', 'CRM', '--json']))).toMatchObject({ status: 'ok' });

    // the password is in the secrets store, nowhere in Lifeboat's files, and never printed
    if (secrets === 'keychain') {
      const store = new KeychainSecretStore();
      const repoId = job.destination.repositoryId;
      cleanups.push(() => store.delete(secretAccounts.repositoryPassword(repoId)));
      expect(await store.get(secretAccounts.repositoryPassword(repoId))).toBe(password);
    } else {
      expect(readdirSync(home)).toContain('secrets.enc.json');
    }
    for (const file of filesUnder(home)) expect(readFileSync(file, 'utf8'), file).not.toContain(password);
    expect(printed.join('\n')).not.toContain(password);

    const removed = await lb(['job', 'remove', 'CRM']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(json<JobSummary[]>(await lb(['job', 'list', '--json']))).toEqual([]);
    expect((await lb(['job', 'run', 'CRM'])).stderr).toContain('There is no job "CRM"');
  });
});
