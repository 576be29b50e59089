import { Command } from 'commander';
import { appVersion } from '../engine/version.ts';
import { registerBackup } from './commands/backup.ts';
import { registerBrowse } from './commands/browse.ts';
import { registerCheck, registerUnlock } from './commands/check.ts';
import { registerDrill } from './commands/drill.ts';
import { registerForgetPrune } from './commands/forget-prune.ts';
import { registerJob } from './commands/job.ts';
import { registerKey } from './commands/key.ts';
import { registerLogin } from './commands/login.ts';
import { registerNotify } from './commands/notify.ts';
import { registerRepoBasics } from './commands/repo-basics.ts';
import { registerRestore } from './commands/restore.ts';
import { registerServe } from './commands/serve.ts';

/** The `lifeboat` command line; each capability registers its commands here. */
export function buildProgram(): Command {
  const program = new Command('lifeboat')
    .description('Lifeboat: encrypted, versioned backups of your CRM data (restic-compatible repositories)')
    .version(appVersion, '-V, --version')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true })
    .option('-r, --repo <location>', 'repository: a folder path (or set LIFEBOAT_REPOSITORY)')
    .option('-p, --password-file <file>', 'read the repository password from a file (or set LIFEBOAT_PASSWORD)')
    .option('--json', 'machine-readable output')
    .option('--account <id>', 'cloud account (email or id) when several are signed in')
    .option('--secrets-file', 'keep cloud tokens in an encrypted file instead of the OS keychain (servers)');
  registerRepoBasics(program);
  registerBackup(program);
  registerBrowse(program);
  registerRestore(program);
  registerCheck(program);
  registerUnlock(program);
  registerForgetPrune(program);
  registerKey(program);
  registerJob(program);
  registerDrill(program);
  registerNotify(program);
  registerLogin(program);
  registerServe(program);
  return program;
}
