import type { Command } from 'commander';
import { Repository, type RepositoryOptions } from '../engine/repo/repository.ts';
import { createOutput, type Output } from './output.ts';
import { backendFor, readPassword, type GlobalOptions } from './repo-context.ts';

export interface CommandContext {
  options: GlobalOptions;
  out: Output;
  /** Aborted on Ctrl+C, so long operations stop cleanly (no half-written files reported as done). */
  signal: AbortSignal;
}

export function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  return { options, out: createOutput(Boolean(options.json)), signal: controller.signal };
}

export async function openRepository(ctx: CommandContext, options: RepositoryOptions = {}): Promise<Repository> {
  const backend = await backendFor(ctx.options);
  const password = await readPassword(ctx.options);
  return Repository.open(backend, password, options);
}

/** restic-style repeatable options: `--tag a --tag b,c`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter(Boolean)];
}
