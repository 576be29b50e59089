/**
 * Where a repository lives, as the UI and the CLI name it: a folder, `gdrive:FOLDER` or
 * `dropbox:/PATH`. Pure parsing and formatting, shared by every host and the renderer.
 */
import { z } from 'zod';

export const cloudProviderSchema = z.enum(['gdrive', 'dropbox']);
export type CloudProviderName = z.infer<typeof cloudProviderSchema>;

export const repositoryLocationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), path: z.string().min(1) }),
  z.object({ kind: z.literal('gdrive'), folder: z.string().min(1), account: z.string().optional() }),
  z.object({ kind: z.literal('dropbox'), path: z.string().regex(/^\//, 'starts with /'), account: z.string().optional() }),
]);
export type RepositoryLocation = z.infer<typeof repositoryLocationSchema>;

export function formatLocation(location: RepositoryLocation): string {
  switch (location.kind) {
    case 'local':
      return location.path;
    case 'gdrive':
      return `gdrive:${location.folder}`;
    case 'dropbox':
      return `dropbox:${location.path}`;
  }
}

export function parseLocation(text: string): RepositoryLocation {
  if (text.startsWith('gdrive:')) return { kind: 'gdrive', folder: text.slice('gdrive:'.length) };
  if (text.startsWith('dropbox:')) return { kind: 'dropbox', path: text.slice('dropbox:'.length) };
  return { kind: 'local', path: text };
}
