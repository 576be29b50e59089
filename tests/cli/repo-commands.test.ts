import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasRestic, resticOk } from '../helpers/restic.ts';
import { runCli } from '../helpers/run-cli.ts';

const password = 'correct horse battery staple';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lb-cli-'));
const repo = path.join(tmp, 'repo');
const source = path.join(tmp, 'source');
const env = { LIFEBOAT_PASSWORD: password, LIFEBOAT_HOME: path.join(tmp, 'home') };
const lb = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(['--repo', repo, ...args], { env: { ...env, ...extra } });

describe.skipIf(!hasRestic)('lifeboat repository commands (restic writes the snapshots, Lifeboat reads them)', () => {
  let first = '';
  let second = '';

  beforeAll(async () => {
    mkdirSync(path.join(source, 'Клиенты'), { recursive: true });
    writeFileSync(path.join(source, 'Клиенты', 'contacts.ndjson'), '{"id":1,"name":"Иван"}\n');
    writeFileSync(path.join(source, 'deals.csv'), 'id,amount\n1,100\n');
    symlinkSync('deals.csv', path.join(source, 'latest.csv'));
    const init = await lb(['init']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/Created repository [0-9a-f]{10} at /);
    await resticOk(repo, ['backup', source], { password });
    writeFileSync(path.join(source, 'deals.csv'), 'id,amount\n1,100\n2,250\n');
    writeFileSync(path.join(source, 'new.txt'), 'new');
    await resticOk(repo, ['backup', source], { password });
    const list = JSON.parse((await lb(['snapshots', '--json'])).stdout) as { id: string }[];
    expect(list).toHaveLength(2);
    [first, second] = [list[0]!.id, list[1]!.id];
  }, 120_000);

  it('lists snapshots for people and scripts', async () => {
    const human = await lb(['snapshots']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(first.slice(0, 8));
    expect(human.stdout).toContain('2 snapshots');
  });

  it('ls shows the tree with Cyrillic names', async () => {
    const result = await lb(['ls', 'latest']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${source}/Клиенты/contacts.ndjson`);
    expect(result.stdout).toContain(`${source}/latest.csv`);
  });

  it('diff names what changed', async () => {
    const result = await lb(['diff', first, second]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`M    ${source}/deals.csv`);
    expect(result.stdout).toContain(`+    ${source}/new.txt`);
  });

  it('restores an older version byte for byte, and refuses to clobber without --overwrite', async () => {
    const target = path.join(tmp, 'restored');
    const result = await lb(['restore', first.slice(0, 8), '--target', target]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Restored and verified 2 files');
    expect(readFileSync(path.join(target, source, 'deals.csv'), 'utf8')).toBe('id,amount\n1,100\n');
    const again = await lb(['restore', second, '--target', target, '--include', `${source}/deals.csv`]);
    expect(again.code).not.toBe(0);
    expect(readFileSync(path.join(target, source, 'deals.csv'), 'utf8')).toBe('id,amount\n1,100\n');
    const forced = await lb(['restore', second, '--target', target, '--include', `${source}/deals.csv`, '--overwrite']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(path.join(target, source, 'deals.csv'), 'utf8')).toBe('id,amount\n1,100\n2,250\n');
  });

  it('check --read-data passes', async () => {
    const result = await lb(['check', '--read-data']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('no errors were found');
  });

  it('a wrong password is a clear error with a non-zero exit code', async () => {
    const result = await lb(['snapshots'], { LIFEBOAT_PASSWORD: 'wrong' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/password/i);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing repository is a clear error', async () => {
    const result = await runCli(['--repo', path.join(tmp, 'nowhere'), 'snapshots'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no repository|not found|does not exist/i);
  });

  it('no password at all says how to give one', async () => {
    const result = await runCli(['--repo', repo, 'snapshots'], { env: { LIFEBOAT_PASSWORD: '' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LIFEBOAT_PASSWORD');
  });

  it('key add / passwd work and restic agrees', async () => {
    const added = await lb(['key', 'add'], { LIFEBOAT_NEW_PASSWORD: 'second' });
    expect(added.code, added.stderr).toBe(0);
    const keys = JSON.parse((await lb(['key', 'list', '--json'])).stdout) as { id: string; current: boolean }[];
    expect(keys).toHaveLength(2);
    const changed = await lb(['key', 'passwd'], { LIFEBOAT_NEW_PASSWORD: 'third' });
    expect(changed.code, changed.stderr).toBe(0);
    expect((await lb(['snapshots'])).code).toBe(1);
    await resticOk(repo, ['snapshots'], { password: 'third' });
    await resticOk(repo, ['snapshots'], { password: 'second' });
  });
});
