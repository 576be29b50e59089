import { readFile } from 'node:fs/promises';
import { LifeboatError } from '../shared/errors.ts';
import type { Backend } from '../engine/storage/backend.ts';
import { LocalBackend } from '../engine/storage/local-backend.ts';
import { promptHidden } from './prompt.ts';

export interface GlobalOptions {
  repo?: string;
  passwordFile?: string;
  json?: boolean;
}

/** Parses a repository location: a folder path now; `gdrive:FOLDER` and `dropbox:/PATH` plug in here. */
export function backendFor(location: string | undefined): Backend {
  const where = location ?? process.env.LIFEBOAT_REPOSITORY;
  if (!where) {
    throw new LifeboatError('INVALID_ARGUMENT', 'No repository given.', {
      hint: 'Pass --repo PATH (or set LIFEBOAT_REPOSITORY).',
    });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):(?![\\/])/i.exec(where);
  if (scheme && scheme[1]!.length > 1) {
    throw new LifeboatError('UNSUPPORTED', `Repositories of the kind "${scheme[1]}:" are not supported yet.`, {
      hint: 'Use a local or network folder path.',
    });
  }
  return new LocalBackend(where);
}

/**
 * The repository password, like restic: --password-file, then LIFEBOAT_PASSWORD (or
 * LIFEBOAT_PASSWORD_FILE), then a hidden prompt when a person is at the terminal.
 */
export async function readPassword(options: GlobalOptions, purpose = 'Repository password'): Promise<string> {
  const file = options.passwordFile ?? process.env.LIFEBOAT_PASSWORD_FILE;
  if (file) {
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      throw new LifeboatError('INVALID_ARGUMENT', `Cannot read the password file ${file}.`, { cause: err });
    });
    const password = text.split(/\r?\n/)[0] ?? '';
    if (!password) throw new LifeboatError('INVALID_ARGUMENT', `The password file ${file} is empty.`);
    return password;
  }
  if (process.env.LIFEBOAT_PASSWORD) return process.env.LIFEBOAT_PASSWORD;
  if (process.stdin.isTTY) return promptHidden(`${purpose}: `);
  throw new LifeboatError('INVALID_ARGUMENT', 'No repository password given.', {
    hint: 'Set LIFEBOAT_PASSWORD or pass --password-file FILE.',
  });
}
