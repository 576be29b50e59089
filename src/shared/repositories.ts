/**
 * What the UI sees of repositories and their snapshots: known repositories (a job's destination, or
 * one connected on a new computer), the timeline's snapshot list, browsing a snapshot's tree, finding
 * a file across versions, comparing versions, and restoring with a verification report. Schemas only.
 */
import { z } from 'zod';
import { repositoryIdSchema } from './jobs.ts';
import { repositoryLocationSchema } from './locations.ts';

/** Restic snapshot ids are 64 hex digits; the UI always sends the full id. */
export const snapshotIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a snapshot id');
/** A path inside a snapshot: absolute, forward slashes (`/home/office/crm/db.sqlite`). */
export const snapshotPathSchema = z.string().regex(/^\//, 'starts with /').max(8192);
const password = z.string().min(1).max(1024);
const bytes = z.number().nonnegative();
const isoTime = z.string().datetime({ offset: true });

/** A repository this computer knows: the destination of a job, or one connected for restores. */
export const repositoryInfoSchema = z.object({
  repositoryId: repositoryIdSchema,
  location: repositoryLocationSchema,
  /** The jobs that back up into it (empty for a repository connected only to restore from it). */
  jobIds: z.array(z.string()),
  connectedAt: isoTime,
});
export type RepositoryInfo = z.infer<typeof repositoryInfoSchema>;

/** What the wizard learns about a destination before using it (a test file is written and removed). */
export const destinationCheckSchema = z.object({
  /** empty: nothing there yet (or the folder does not exist yet); repository: a restic repository is there; other: files that are not a repository. */
  state: z.enum(['empty', 'repository', 'other']),
  /** Free and total space where known (local disks, Drive and Dropbox quotas). */
  freeBytes: bytes.nullable(),
  totalBytes: bytes.nullable(),
  /** The given source paths that live on the same disk as a local destination ("a copy on the same disk is not a backup"). */
  sameDiskAs: z.array(z.string()),
});
export type DestinationCheck = z.infer<typeof destinationCheckSchema>;

/** Free space and the repository's own size, for the dashboard. */
export const repositorySpaceSchema = z.object({
  freeBytes: bytes.nullable(),
  totalBytes: bytes.nullable(),
  /** Bytes of all pack files (what the repository occupies). */
  repositoryBytes: bytes,
});
export type RepositorySpace = z.infer<typeof repositorySpaceSchema>;

export const snapshotInfoSchema = z.object({
  id: snapshotIdSchema,
  shortId: z.string(),
  time: isoTime,
  hostname: z.string(),
  username: z.string(),
  paths: z.array(z.string()),
  tags: z.array(z.string()),
  /** From the `job:<id>` tag; null for snapshots made by other tools (restic, the CLI). */
  jobId: z.string().nullable(),
  parent: z.string().nullable(),
  /** Present when the snapshot carries restic's summary (Lifeboat always writes one). */
  summary: z
    .object({
      filesNew: z.number().int(),
      filesChanged: z.number().int(),
      filesUnmodified: z.number().int(),
      /** Bytes this version added to the repository (before compression). */
      dataAdded: bytes,
      /** Bytes it added after compression and encryption. */
      dataAddedPacked: bytes,
      totalFiles: z.number().int(),
      totalBytes: bytes,
      durationSeconds: z.number().nonnegative(),
    })
    .nullable(),
});
export type SnapshotInfo = z.infer<typeof snapshotInfoSchema>;

/** Restore drills file their report as a small snapshot with this tag: a record, not a version to restore. */
export const drillReportTag = 'lifeboat-drill-report';

/** The versions a person browses and restores from: every snapshot except the drills' reports. */
export function backupVersions(snapshots: readonly SnapshotInfo[]): SnapshotInfo[] {
  return snapshots.filter((s) => !s.tags.includes(drillReportTag));
}

export const nodeTypeSchema = z.enum(['file', 'dir', 'symlink', 'other']);

export const treeEntrySchema = z.object({
  name: z.string(),
  /** Full path inside the snapshot. */
  path: z.string(),
  type: nodeTypeSchema,
  size: bytes,
  mtime: isoTime,
});
export type TreeEntry = z.infer<typeof treeEntrySchema>;

export const snapshotChangeSchema = z.object({
  path: z.string(),
  change: z.enum(['added', 'removed', 'modified']),
  type: nodeTypeSchema,
  /** The size in the newer version (the older one for removed entries). */
  size: bytes,
});
export type SnapshotChange = z.infer<typeof snapshotChangeSchema>;

export const snapshotDiffSchema = z.object({
  added: z.number().int(),
  removed: z.number().int(),
  modified: z.number().int(),
  addedBytes: bytes,
  removedBytes: bytes,
  /** The changes, files before folders' contents in path order, at most `limit` of them. */
  changes: z.array(snapshotChangeSchema),
  truncated: z.boolean(),
});
export type SnapshotDiff = z.infer<typeof snapshotDiffSchema>;

export const fileMatchSchema = z.object({
  snapshotId: snapshotIdSchema,
  time: isoTime,
  path: z.string(),
  type: nodeTypeSchema,
  size: bytes,
  mtime: isoTime,
});
export type FileMatch = z.infer<typeof fileMatchSchema>;

export const restoreTargetSchema = z.discriminatedUnion('kind', [
  /** A new (or empty) folder: the safe default. */
  z.object({ kind: z.literal('folder'), path: z.string().min(1).max(4096) }).strict(),
  /** Back where the files were, overwriting what is there: only after the user confirmed the list. */
  z.object({ kind: z.literal('original'), confirmOverwrite: z.literal(true) }).strict(),
]);
export type RestoreTarget = z.infer<typeof restoreTargetSchema>;

export const restoreRequestSchema = z
  .object({
    repositoryId: repositoryIdSchema,
    snapshotId: snapshotIdSchema,
    /** Snapshot paths to restore (a folder brings everything under it); empty: the whole snapshot. */
    include: z.array(snapshotPathSchema).max(10_000),
    target: restoreTargetSchema,
  })
  .strict();
export type RestoreRequest = z.infer<typeof restoreRequestSchema>;

/** What a restore would do, so the confirmation can name what will be overwritten. */
export const restorePreviewSchema = z.object({
  files: z.number().int(),
  bytes,
  /** Where the files will be written (the folder, or `/` for the original place). */
  targetPath: z.string(),
  /** Existing files the restore would replace (at most 200 listed), and how many in all. */
  overwrites: z.array(z.string()),
  overwriteCount: z.number().int(),
  /** Room the restore needs on the fullest disk it writes to, and what is free there (null: unknown). */
  neededBytes: bytes,
  freeBytes: bytes.nullable(),
  /** false: the restore would be refused for lack of space (DISK_FULL). */
  enoughSpace: z.boolean(),
});
export type RestorePreview = z.infer<typeof restorePreviewSchema>;

/** The verification report shown at the end of a restore: every restored file read back and checked. */
export const restoreReportSchema = z.object({
  snapshotId: snapshotIdSchema,
  snapshotTime: isoTime,
  targetPath: z.string(),
  startedAt: isoTime,
  finishedAt: isoTime,
  filesRestored: z.number().int(),
  dirsRestored: z.number().int(),
  bytesRestored: bytes,
  /** Files whose content was read back and matched the snapshot's hashes. */
  filesVerified: z.number().int(),
  /** Files that could not be restored or did not verify, with the reason in plain words. */
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
  ok: z.boolean(),
});
export type RestoreReport = z.infer<typeof restoreReportSchema>;

/** The setup wizard's progress, kept by the Service so setup resumes after the app closes (no passwords). */
export const setupDraftSchema = z.object({
  step: z.number().int().min(0).max(20),
  data: z.record(z.string(), z.json()),
  updatedAt: isoTime.optional(),
});
export type SetupDraft = z.infer<typeof setupDraftSchema>;

export const launchAtLoginSchema = z.object({
  /** false where the host cannot start at login (headless, CLI). */
  supported: z.boolean(),
  enabled: z.boolean(),
});

const repoRef = z.object({ repositoryId: repositoryIdSchema }).strict();
const snapshotRef = repoRef.extend({ snapshotId: snapshotIdSchema }).strict();

/** The operations above, merged into contract.ts's `operations`. */
export const repositoryOperations = {
  /** Tests a destination: reachable, writable (a test file is written and removed), free space, what is there. */
  checkDestination: {
    input: z
      .object({ location: repositoryLocationSchema, sourcePaths: z.array(z.string()).max(100).optional() })
      .strict(),
    output: destinationCheckSchema,
  },
  /** Creates a new repository (REPO_EXISTS if one is there), files the password in the keychain, remembers it. */
  createRepository: {
    input: z.object({ location: repositoryLocationSchema, password }).strict(),
    output: repositoryInfoSchema,
  },
  /** Opens an existing repository with its password (WRONG_PASSWORD otherwise), files the password, remembers it. */
  connectRepository: {
    input: z.object({ location: repositoryLocationSchema, password }).strict(),
    output: repositoryInfoSchema,
  },
  listRepositories: { input: z.undefined(), output: z.array(repositoryInfoSchema) },
  /** Forgets a connected repository on this computer (not its data); refused while a job uses it. */
  disconnectRepository: { input: repoRef, output: z.boolean() },
  repositorySpace: { input: repoRef, output: repositorySpaceSchema },
  /** Every snapshot, oldest first. */
  listSnapshots: { input: repoRef, output: z.array(snapshotInfoSchema) },
  /** The entries of one folder of a snapshot (`/` is the top), folders first, then by name. */
  listSnapshotDir: {
    input: snapshotRef.extend({ path: snapshotPathSchema }).strict(),
    output: z.object({ entries: z.array(treeEntrySchema) }),
  },
  /** What changed from one snapshot to another (`from` older). */
  diffSnapshots: {
    input: repoRef
      .extend({
        from: snapshotIdSchema,
        to: snapshotIdSchema,
        limit: z.number().int().min(0).max(100_000).optional(),
      })
      .strict(),
    output: snapshotDiffSchema,
  },
  /** Files and folders whose name contains `query` (case-insensitive), in the given snapshots or all. */
  findInSnapshots: {
    input: repoRef
      .extend({
        query: z.string().min(1).max(256),
        snapshotIds: z.array(snapshotIdSchema).max(10_000).optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
      })
      .strict(),
    output: z.object({ matches: z.array(fileMatchSchema), truncated: z.boolean() }),
  },
  previewRestore: { input: restoreRequestSchema, output: restorePreviewSchema },
  /** Restores, then reads back and verifies every file; progress arrives as `progress` events (operation "restore"). */
  restoreSnapshot: { input: restoreRequestSchema, output: restoreReportSchema },
  /** Stops the restore in progress; false when none runs. */
  cancelRestore: { input: z.undefined(), output: z.boolean() },
  getLaunchAtLogin: { input: z.undefined(), output: launchAtLoginSchema },
  setLaunchAtLogin: { input: z.object({ enabled: z.boolean() }).strict(), output: launchAtLoginSchema },
  getSetupDraft: { input: z.undefined(), output: setupDraftSchema.nullable() },
  /** null clears the draft (setup finished or abandoned). */
  saveSetupDraft: { input: setupDraftSchema.nullable(), output: z.boolean() },
} as const;
