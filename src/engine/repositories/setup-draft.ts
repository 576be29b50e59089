/**
 * The setup wizard's progress in `setup-draft.json`, so setup resumes where it stopped after the app
 * was closed. The wizard never puts passwords in it (the contract says so; the keychain has them).
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { setupDraftSchema, type SetupDraft } from '../../shared/repositories.ts';
import { writeFileAtomic } from '../jobs/atomic-file.ts';

export const setupDraftFileName = 'setup-draft.json';

export class SetupDraftStore {
  readonly file: string;
  readonly #now: () => Date;

  constructor(dataDir: string, now: () => Date) {
    this.file = path.join(dataDir, setupDraftFileName);
    this.#now = now;
  }

  async get(): Promise<SetupDraft | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const parsed = setupDraftSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null; // a torn or hand-edited draft: setup starts over rather than failing
    }
  }

  /** null deletes the draft (setup finished or abandoned). */
  async save(draft: SetupDraft | null): Promise<boolean> {
    if (draft === null) {
      await rm(this.file, { force: true });
      return true;
    }
    const stored: SetupDraft = { ...draft, updatedAt: this.#now().toISOString() };
    await writeFileAtomic(this.file, JSON.stringify(stored, null, 2) + '\n');
    return true;
  }
}
