import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { LifeboatError } from '../../shared/errors.ts';
import { contextOf, openRepository, type CommandContext } from '../context.ts';
import { table } from '../output.ts';
import { promptHidden } from '../prompt.ts';
import { localTime } from './repo-basics.ts';

/** The new password for `key add` / `key passwd`: --new-password-file, LIFEBOAT_NEW_PASSWORD, or a prompt (twice). */
async function newPassword(ctx: CommandContext, file: string | undefined): Promise<string> {
  if (file) {
    const first = (await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '';
    if (!first) throw new LifeboatError('INVALID_ARGUMENT', `The password file ${file} is empty.`);
    return first;
  }
  if (process.env.LIFEBOAT_NEW_PASSWORD) return process.env.LIFEBOAT_NEW_PASSWORD;
  if (!process.stdin.isTTY) {
    throw new LifeboatError('INVALID_ARGUMENT', 'No new password given.', {
      hint: 'Set LIFEBOAT_NEW_PASSWORD or pass --new-password-file FILE.',
    });
  }
  const a = await promptHidden('New password: ');
  const b = await promptHidden('Type the new password again: ');
  if (a !== b) throw new LifeboatError('INVALID_ARGUMENT', 'The passwords do not match.');
  if (!a) throw new LifeboatError('INVALID_ARGUMENT', 'The password must not be empty.');
  void ctx;
  return a;
}

export function registerKey(program: Command): void {
  const key = program.command('key').description('manage the passwords (keys) that open the repository');

  key
    .command('list')
    .description('list keys')
    .action(async (_opts, command: Command) => {
      const ctx = contextOf(command);
      const repo = await openRepository(ctx);
      const keys = await repo.listKeys();
      ctx.out.result(
        keys.map((k) => ({ ...k, current: k.id === repo.keyId })),
        () =>
          table(
            [' ID', 'User', 'Host', 'Created'],
            keys.map((k) => [`${k.id === repo.keyId ? '*' : ' '}${k.id.slice(0, 8)}`, k.username, k.hostname, localTime(k.created)]),
          ),
      );
    });

  key
    .command('add')
    .description('add another password that opens the repository')
    .option('--new-password-file <file>', 'read the new password from a file')
    .action(async (opts: { newPasswordFile?: string }, command: Command) => {
      const ctx = contextOf(command);
      const repo = await openRepository(ctx);
      const id = await repo.addKey(await newPassword(ctx, opts.newPasswordFile));
      ctx.out.result({ id }, () => `Added key ${id.slice(0, 8)}.`);
    });

  key
    .command('remove')
    .description('remove a key (not the one in use)')
    .argument('<id>', 'key id or unique prefix')
    .action(async (id: string, _opts, command: Command) => {
      const ctx = contextOf(command);
      const repo = await openRepository(ctx);
      const keys = await repo.listKeys();
      const matches = keys.filter((k) => k.id.startsWith(id));
      if (matches.length !== 1) {
        throw new LifeboatError(matches.length ? 'INVALID_ARGUMENT' : 'NOT_FOUND', matches.length ? `Key prefix ${id} is ambiguous.` : `No key ${id}.`);
      }
      await repo.removeKey(matches[0]!.id);
      ctx.out.result({ removed: matches[0]!.id }, () => `Removed key ${matches[0]!.id.slice(0, 8)}.`);
    });

  key
    .command('passwd')
    .description('change the password (adds a key with the new one, then removes the current key)')
    .option('--new-password-file <file>', 'read the new password from a file')
    .action(async (opts: { newPasswordFile?: string }, command: Command) => {
      const ctx = contextOf(command);
      const repo = await openRepository(ctx);
      const changed = await repo.changePassword(await newPassword(ctx, opts.newPasswordFile));
      ctx.out.result({ id: changed.keyId }, () => 'Password changed. The old password no longer opens the repository.');
    });
}
