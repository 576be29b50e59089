/**
 * The repositories this computer knows: every job's destination and second copy, plus those connected
 * on purpose (created in the setup wizard, or connected to restore on a new computer), which are kept
 * in `repositories.json` under the data folder. Passwords are never in it: they are in the keychain.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { LifeboatError } from '../../shared/errors.ts';
import type { Job } from '../../shared/jobs.ts';
import { repositoryIdSchema } from '../../shared/jobs.ts';
import { formatLocation, repositoryLocationSchema, type RepositoryLocation } from '../../shared/locations.ts';
import type { RepositoryInfo } from '../../shared/repositories.ts';
import { writeFileAtomic } from '../jobs/atomic-file.ts';
import { secretAccounts, type SecretStore } from '../secrets/secret-store.ts';

export const repositoriesFileName = 'repositories.json';

const connectedSchema = z.object({
  repositoryId: repositoryIdSchema,
  location: repositoryLocationSchema,
  connectedAt: z.string(),
});
type Connected = z.infer<typeof connectedSchema>;
const fileSchema = z.object({ version: z.literal(1), repositories: z.array(connectedSchema) });

export const sameLocation = (a: RepositoryLocation, b: RepositoryLocation): boolean =>
  formatLocation(a) === formatLocation(b);

/** The connected repositories file. Writes are serialized and atomic. */
export class ConnectedRepositories {
  readonly file: string;
  #writing: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.file = path.join(dataDir, repositoriesFileName);
  }

  async list(): Promise<Connected[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const parsed = fileSchema.safeParse(safeJson(text));
    // A damaged file only forgets which repositories were connected; their passwords stay in the keychain.
    return parsed.success ? parsed.data.repositories : [];
  }

  /** Remembers a repository (a new location for the same id replaces the old one). */
  async add(entry: Connected): Promise<void> {
    await this.upsert([entry]);
  }

  /** Remembers several at once; entries already known at the same place keep their date. */
  async upsert(entries: readonly Connected[]): Promise<void> {
    await this.#change((list) => {
      const next = [...list];
      for (const entry of entries) {
        const at = next.findIndex((r) => r.repositoryId === entry.repositoryId);
        if (at < 0) next.push(entry);
        else next[at] = sameLocation(next[at]!.location, entry.location) ? next[at]! : entry;
      }
      return next;
    });
  }

  async remove(repositoryId: string): Promise<boolean> {
    let removed = false;
    await this.#change((list) => {
      const next = list.filter((r) => r.repositoryId !== repositoryId);
      removed = next.length !== list.length;
      return next;
    });
    return removed;
  }

  #change(edit: (list: Connected[]) => Connected[]): Promise<void> {
    const run = this.#writing.then(async () => {
      const next = edit(await this.list());
      await writeFileAtomic(this.file, JSON.stringify({ version: 1, repositories: next }, null, 2) + '\n');
    });
    this.#writing = run.catch(() => undefined);
    return run;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Jobs' destinations and connected repositories, one entry per repository id, oldest first. */
export function mergeKnown(jobs: readonly Job[], connected: readonly Connected[]): RepositoryInfo[] {
  const byId = new Map<string, RepositoryInfo>();
  const add = (repositoryId: string, location: RepositoryLocation, at: string, jobId?: string): void => {
    const known = byId.get(repositoryId);
    if (!known) {
      byId.set(repositoryId, { repositoryId, location, jobIds: jobId ? [jobId] : [], connectedAt: at });
      return;
    }
    if (jobId && !known.jobIds.includes(jobId)) known.jobIds.push(jobId);
    if (at < known.connectedAt) known.connectedAt = at;
  };
  // Jobs first: where a job writes is where the repository is now.
  for (const job of jobs) {
    add(job.destination.repositoryId, job.destination.location, job.createdAt, job.id);
    if (job.copyTo) add(job.copyTo.repositoryId, job.copyTo.location, job.createdAt, job.id);
  }
  for (const c of connected) add(c.repositoryId, c.location, c.connectedAt);
  return [...byId.values()].sort((a, b) => a.connectedAt.localeCompare(b.connectedAt));
}

export function findKnown(known: readonly RepositoryInfo[], repositoryId: string): RepositoryInfo {
  const info = known.find((r) => r.repositoryId === repositoryId);
  if (!info) {
    throw new LifeboatError('NOT_FOUND', 'This computer does not know that backup storage.', {
      hint: 'Connect the storage again (it may have been disconnected).',
      details: `repository ${repositoryId.slice(0, 10)}`,
    });
  }
  return info;
}

/**
 * The id of a repository connected at `location` whose password is in the keychain: a job saved after
 * the wizard created (or connected) its repository needs no password again.
 */
export async function connectedRepositoryId(
  dataDir: string,
  secrets: () => Promise<SecretStore>,
  location: RepositoryLocation,
): Promise<string | undefined> {
  const match = (await new ConnectedRepositories(dataDir).list()).find((r) =>
    sameLocation(r.location, location),
  );
  if (!match) return undefined;
  const password = await (await secrets()).get(secretAccounts.repositoryPassword(match.repositoryId));
  return password ? match.repositoryId : undefined;
}
