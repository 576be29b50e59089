/**
 * The scan loop of a backup: scanner events in, tree nodes out. Walks the parent snapshot in step
 * (ParentWalker), hands regular files to the FileStage and other entries straight to the
 * TreeBuilder (the caller saves the root tree, after any stream sources joined it). Types restic does not store are skipped the same
 * way: sockets silently, irregular files with a warning.
 */
import type { BackupWarning } from './backup-types.ts';
import type { FileStage } from './file-stage.ts';
import { nodeFromEntry } from './node-from-entry.ts';
import type { ParentWalker } from './parent-tree.ts';
import { scan } from './scanner.ts';
import type { ScanIssue, ScanOptions } from './scanner.ts';
import type { TreeBuilder } from './tree-builder.ts';

export interface WalkDeps {
  parent: ParentWalker;
  files: Pick<FileStage, 'submit'>;
  trees: TreeBuilder;
  warn(w: BackupWarning): void;
  /** Set by the pipeline when a file failed fatally: the walk stops at the next entry. */
  fatal(): unknown;
}

export function issueToWarning(issue: ScanIssue): BackupWarning {
  return {
    path: issue.path,
    kind: issue.reason === 'vanished' ? 'vanished' : 'unreadable',
    message: issue.error.message,
    ...(issue.error.hint ? { hint: issue.error.hint } : {}),
    ...(issue.error.details ? { details: issue.error.details } : {}),
  };
}

export async function walkSources(
  sources: readonly string[],
  scanOpts: Pick<ScanOptions, 'excludes' | 'iexcludes' | 'oneFileSystem' | 'signal'>,
  d: WalkDeps,
): Promise<void> {
  const events = scan(sources, { ...scanOpts, onError: (issue) => d.warn(issueToWarning(issue)) });
  for await (const ev of events) {
    const failure = d.fatal();
    if (failure !== undefined) throw failure;
    const { entry } = ev;
    switch (ev.kind) {
      case 'dir-start': {
        const prev = await d.parent.lookup(entry.name);
        d.parent.enter(entry.name, prev);
        d.trees.enter(entry, prev);
        break;
      }
      case 'dir-end':
        d.parent.leave();
        d.trees.leave(ev.complete);
        break;
      case 'entry': {
        if (entry.type === 'socket') break; // restic never stores sockets
        if (entry.type === 'irregular') {
          d.warn({
            path: entry.path,
            kind: 'unreadable',
            message: `${entry.path} is neither a file, a folder, a link nor a device; it was skipped.`,
          });
          break;
        }
        const prev = await d.parent.lookup(entry.name);
        if (entry.type === 'file') d.trees.add((await d.files.submit(entry, prev)).node);
        else d.trees.add(nodeFromEntry(entry));
        break;
      }
    }
  }
  const failure = d.fatal();
  if (failure !== undefined) throw failure;
}
