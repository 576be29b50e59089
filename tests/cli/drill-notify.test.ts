import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationSettingsView } from '../../src/shared/contract.ts';
import type { DrillRecord, Job, JobHistory, JobRun } from '../../src/shared/jobs.ts';
import { runCli, type CliResult } from '../helpers/run-cli.ts';

// `lifeboat drill` and `lifeboat notify` end to end: the real command line in child processes, the
// secrets in the encrypted secrets file, a real SMTP server in this process.

const repoPassword = 'drill-cli-repo-Pa55';
const smtpUser = 'backup@office.example';
const smtpPassword = 'drill-cli-smtp-Pa55';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lb-cli-drill-'));
const home = path.join(tmp, 'home');
const repo = path.join(tmp, 'repo');
const source = path.join(tmp, 'source');
const printed: string[] = [];
const mails: string[] = [];
let smtp: SMTPServer;
let smtpPort = 0;

beforeAll(async () => {
  smtp = new SMTPServer({
    logger: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, cb) {
      if (auth.username === smtpUser && auth.password === smtpPassword) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks).toString('utf8'));
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

const lb = async (
  args: string[],
  extra: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<CliResult> => {
  const result = await runCli(args, {
    env: {
      LIFEBOAT_HOME: home,
      LIFEBOAT_PASSWORD: '',
      LIFEBOAT_SECRETS: 'file',
      LIFEBOAT_SECRETS_PASSPHRASE: 'office passphrase',
      ...extra.env,
    },
    ...(extra.input !== undefined ? { input: extra.input } : {}),
  });
  printed.push(result.stdout, result.stderr);
  return result;
};
const json = <T>(r: CliResult): T => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('lifeboat drill and lifeboat notify', () => {
  it('sets up e-mail, tests it, drills a job (passed, then failed with exit 1 and an e-mail), keeps no secret on disk', async () => {
    mkdirSync(path.join(source, 'Клиенты'), { recursive: true });
    for (let i = 0; i < 8; i++)
      writeFileSync(path.join(source, 'Клиенты', `c${i}.csv`), `id,name\n${i},Иван\n`.repeat(50));
    expect((await lb(['--repo', repo, 'init'], { env: { LIFEBOAT_PASSWORD: repoPassword } })).code).toBe(0);
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
          '--manual',
          '--notify-email',
          'boss@office.example',
          '--drill',
          'monthly',
          '--drill-files',
          '4',
          '--json',
        ],
        { env: { LIFEBOAT_PASSWORD: repoPassword } },
      ),
    );
    expect(job).toMatchObject({
      notifications: { email: ['boss@office.example'], onFailure: true, onSuccess: false },
      drill: { enabled: true, every: 'monthly', sampleFiles: 4 },
    });

    // The mail password comes from stdin, never from the arguments.
    const set = await lb(
      [
        'notify',
        'set',
        '--smtp-host',
        '127.0.0.1',
        '--smtp-port',
        String(smtpPort),
        '--smtp-security',
        'none',
        '--smtp-user',
        smtpUser,
        '--smtp-from',
        'Lifeboat <backup@office.example>',
        '--smtp-password-stdin',
      ],
      { input: `${smtpPassword}\n` },
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('password saved');
    const view = json<NotificationSettingsView>(await lb(['notify', 'show', '--json']));
    expect(view).toMatchObject({
      settings: { smtp: { host: '127.0.0.1', user: smtpUser }, channels: [] },
      secrets: { smtpPassword: true },
    });
    const twoSecrets = await lb(['notify', 'set', '--smtp-password-stdin', '--webhook-secret-stdin'], {
      input: 'x\n',
    });
    expect(twoSecrets.code).toBe(1);
    expect(twoSecrets.stderr).toContain('Only one secret');

    const test = await lb(['notify', 'test', '--channel', `email:${job.id}`]);
    expect(test.code, test.stderr).toBe(0);
    expect(test.stdout).toMatch(/email:\S+\s+email\s+sent/);
    expect(mails).toHaveLength(1);
    expect((await lb(['notify', 'test', '--channel', 'nope'])).code).toBe(1);

    expect(json<JobRun>(await lb(['job', 'run', 'CRM', '--json'])).status).toBe('ok');
    expect(mails).toHaveLength(1); // a good backup is silent

    const passed = await lb(['drill', 'CRM']);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toMatch(/Restore drill of "CRM" passed: 4 file\(s\)/);
    const reportPath = /^Report: (.+)$/m.exec(passed.stdout)?.[1];
    expect(reportPath && existsSync(reportPath) && reportPath.startsWith(home)).toBe(true);
    expect(readFileSync(reportPath!, 'utf8')).toContain('<html');
    const record = json<DrillRecord>(await lb(['drill', job.id, '--json']));
    expect(record).toMatchObject({ status: 'passed', trigger: 'manual', problems: 0 });
    expect(record.reportSnapshotId).toMatch(/^[0-9a-f]{64}$/);
    expect(mails).toHaveLength(1); // a passed drill is silent too

    // The repository is gone: the drill cannot run, says so, exits 1 and e-mails the recipients.
    rmSync(repo, { recursive: true, force: true });
    const failed = await lb(['drill', 'CRM']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('Restore drill of "CRM" could not run');
    expect(mails).toHaveLength(2);
    expect(mails[1]).toMatch(/X-Lifeboat-Status: failed/);

    const history = json<JobHistory>(await lb(['job', 'history', 'CRM', '--no-reconcile', '--json']));
    expect(history.entries.filter((e) => e.kind === 'drill').map((e) => e.drill.status)).toEqual([
      'failed',
      'passed',
      'passed',
    ]);
    expect((await lb(['job', 'history', 'CRM', '--no-reconcile'])).stdout).toContain('drill (manual)');
    expect((await lb(['job', 'show', 'CRM'])).stdout).toMatch(
      /drills: +monthly, 4 files; last .* \(failed\)/,
    );

    expect(readdirSync(home)).toContain('secrets.enc.json');
    for (const file of filesUnder(home)) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toContain(smtpPassword);
      expect(text, file).not.toContain(repoPassword);
    }
    expect(printed.join('\n')).not.toContain(smtpPassword);
    expect(printed.join('\n')).not.toContain(repoPassword);
  });
});
