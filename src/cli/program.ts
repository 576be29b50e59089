import { Command } from 'commander';
import { appVersion } from '../engine/version.ts';
import { registerServe } from './commands/serve.ts';

/** The `lifeboat` command line; each capability registers its commands here. */
export function buildProgram(): Command {
  const program = new Command('lifeboat')
    .description('Lifeboat: encrypted, versioned backups of your CRM data (restic-compatible repositories)')
    .version(appVersion, '-V, --version')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerServe(program);
  return program;
}
