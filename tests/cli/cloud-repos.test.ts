import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DropboxEmulator } from '../emulators/dropbox/server.ts';
import { DriveEmulator } from '../emulators/gdrive/server.ts';
import { ensureKeyring } from '../helpers/keyring.ts';
import { runCli, type CliResult } from '../helpers/run-cli.ts';

// The whole command line against the cloud emulators: sign in (token import, as a server would),
// init, backup, incremental backup, restore byte for byte, check --read-data. Afterwards no token and
// no password may appear in any file Lifeboat wrote, nor in anything it printed.

const password = `repo-${randomBytes(6).toString('hex')}`;
let drive: DriveEmulator;
let dropbox: DropboxEmulator;
const keyring = await ensureKeyring();

function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) Object.assign(out, tree(full, `${prefix}/${e.name}`));
    else out[`${prefix}/${e.name}`] = createHash('sha256').update(readFileSync(full)).digest('hex');
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
  drive = await DriveEmulator.start();
  dropbox = await DropboxEmulator.start();
});
afterAll(async () => {
  await drive?.close();
  await dropbox?.close();
});

const cases = [
  { provider: 'gdrive', repo: 'gdrive:Lifeboat Backups/shop', secrets: 'file' },
  { provider: 'dropbox', repo: 'dropbox:/Apps/Lifeboat/shop', secrets: 'file' },
  { provider: 'gdrive', repo: 'gdrive:Lifeboat Backups/keychain', secrets: 'keychain' },
  { provider: 'dropbox', repo: 'dropbox:/Apps/Lifeboat/keychain', secrets: 'keychain' },
] as const;

describe.each(cases)('$provider through the CLI, secrets in the $secrets', ({ provider, repo, secrets }) => {
  const skip = secrets === 'keychain' && !keyring.available;
  const tmp = mkdtempSync(path.join(os.tmpdir(), `lb-cloud-${provider}-`));
  const home = path.join(tmp, 'home');
  const source = path.join(tmp, 'source');
  const printed: string[] = [];
  let refreshToken = '';

  const env = (): NodeJS.ProcessEnv => ({
    LIFEBOAT_HOME: home,
    LIFEBOAT_PASSWORD: password,
    LIFEBOAT_GDRIVE_URL: drive.url,
    LIFEBOAT_GOOGLE_OAUTH_URL: drive.url,
    LIFEBOAT_GOOGLE_CLIENT_ID: drive.clientId,
    LIFEBOAT_GOOGLE_CLIENT_SECRET: drive.clientSecret,
    ...dropbox.env(),
    ...(secrets === 'file' ? { LIFEBOAT_SECRETS: 'file', LIFEBOAT_SECRETS_PASSPHRASE: 'office passphrase' } : {}),
  });
  const lb = async (args: string[], input?: string): Promise<CliResult> => {
    const result = await runCli(args, { env: env(), ...(input === undefined ? {} : { input }) });
    printed.push(result.stdout, result.stderr);
    return result;
  };

  it.skipIf(skip)('signs in, backs up twice, restores byte for byte and checks the data', async () => {
    mkdirSync(path.join(source, 'Вложения'), { recursive: true });
    writeFileSync(path.join(source, 'crm.sqlite'), randomBytes(3 * 1024 * 1024));
    writeFileSync(path.join(source, 'Вложения', 'договор.txt'), 'Договор поставки\n'.repeat(5000));
    refreshToken = provider === 'gdrive' ? drive.oauth.issueRefreshToken() : dropbox.issueToken().refreshToken;

    const login = await lb(['login', provider, '--refresh-token-stdin'], refreshToken + '\n');
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toMatch(/Signed in to (Google Drive|Dropbox) as /);
    const accounts = await lb(['accounts', '--json']);
    expect(JSON.parse(accounts.stdout)).toHaveLength(1);

    expect((await lb(['--repo', repo, 'init'])).code).toBe(0);
    const first = await lb(['--repo', repo, 'backup', source]);
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(path.join(source, 'Вложения', 'счёт.txt'), 'Счёт №2\n');
    const second = await lb(['--repo', repo, 'backup', '--json', source]);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).summary).toMatchObject({ files_new: 1, files_unmodified: 2 });

    const target = path.join(tmp, 'restored');
    const restored = await lb(['--repo', repo, 'restore', 'latest', '--target', target]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(tree(path.join(target, source))).toEqual(tree(source));
    const check = await lb(['--repo', repo, 'check', '--read-data']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it.skipIf(skip)('leaves no token or password in any file under LIFEBOAT_HOME or in its output', () => {
    const files = filesUnder(home);
    expect(files.map((f) => path.basename(f))).toContain('accounts.json');
    const secretsList = [refreshToken, password];
    for (const file of files) {
      const text = readFileSync(file).toString('latin1');
      for (const secret of secretsList) expect(text.includes(secret), `${secret.slice(0, 6)}… in ${file}`).toBe(false);
      expect(statSync(file).mode & 0o077, `${file} is readable by others`).toBe(0);
    }
    for (const out of printed) for (const secret of secretsList) expect(out.includes(secret)).toBe(false);
  });
});

describe('cloud locations need a signed-in account', () => {
  it('says how to sign in', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'lb-cloud-none-'));
    const result = await runCli(['--repo', 'gdrive:Anything', 'snapshots'], { env: { LIFEBOAT_HOME: home, LIFEBOAT_PASSWORD: 'x' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No Google Drive account is connected');
    expect(result.stderr).toContain('lifeboat login gdrive');
  });

  it('refuses unknown location kinds', async () => {
    const result = await runCli(['--repo', 's3:bucket/x', 'snapshots'], { env: { LIFEBOAT_PASSWORD: 'x' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"s3:" are not supported');
  });
});
