/**
 * The restore plan: every node to restore with its path, built and validated completely before
 * anything is written. Any name that could address something outside the target makes the
 * whole restore fail with UNSAFE_PATH.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { maxTreeDepth, loadTree } from './ls.ts';
import type { Repository } from './repository.ts';
import type { TreeNode } from './tree.ts';

export interface PlanItem {
  /** Path segments below the target. */
  segments: string[];
  node: TreeNode;
}

export interface RestorePlan {
  dirs: PlanItem[];
  files: PlanItem[];
  symlinks: PlanItem[];
  /** Devices, fifos, sockets: not restored. */
  skipped: PlanItem[];
  totalBytes: number;
}

/** Why a name is unsafe, or undefined when it is a plain single path component. */
export function unsafeNameReason(name: string): string | undefined {
  if (name === '') return 'empty name';
  if (name === '.' || name === '..') return `name ${JSON.stringify(name)}`;
  if (name.includes('/')) return 'name contains "/"';
  if (name.includes('\0')) return 'name contains a NUL character';
  if (process.platform === 'win32' && (name.includes('\\') || name.includes(':')))
    return 'name contains "\\" or ":"';
  return undefined;
}

export function displayPath(segments: readonly string[]): string {
  return '/' + segments.join('/');
}

function unsafe(segments: readonly string[], reason: string): LifeboatError {
  return new LifeboatError(
    'UNSAFE_PATH',
    `Refusing to restore: the snapshot contains an unsafe entry at ${JSON.stringify(displayPath(segments))} (${reason}).`,
    {
      hint: 'The repository may have been tampered with. Nothing was restored.',
    },
  );
}

/** Parses include paths ("/home/user/file" or "home/user/file") into segments. */
export function parseIncludes(include: readonly string[] | undefined): string[][] | undefined {
  if (!include || include.length === 0) return undefined;
  return include.map((p) => p.split('/').filter((s) => s !== '' && s !== '.'));
}

type Selection = 'all' | 'ancestor' | 'none';

function select(segments: readonly string[], includes: string[][] | undefined): Selection {
  if (!includes) return 'all';
  let result: Selection = 'none';
  for (const inc of includes) {
    const n = Math.min(inc.length, segments.length);
    let same = true;
    for (let i = 0; i < n; i++) if (inc[i] !== segments[i]) same = false;
    if (!same) continue;
    if (segments.length >= inc.length) return 'all';
    result = 'ancestor';
  }
  return result;
}

export async function buildRestorePlan(
  repo: Repository,
  rootTree: string,
  includes: string[][] | undefined,
  signal?: AbortSignal,
): Promise<RestorePlan> {
  const plan: RestorePlan = { dirs: [], files: [], symlinks: [], skipped: [], totalBytes: 0 };
  const visit = async (treeId: string, prefix: string[], ancestors: Set<string>): Promise<void> => {
    signal?.throwIfAborted();
    if (prefix.length > maxTreeDepth) throw unsafe(prefix, 'trees nested too deeply');
    const tree = await loadTree(repo, treeId);
    const seen = new Set<string>();
    for (const node of tree.nodes) {
      const segments = [...prefix, node.name];
      const reason = unsafeNameReason(node.name);
      if (reason) throw unsafe(segments, reason);
      if (seen.has(node.name)) throw unsafe(segments, 'the name appears twice in one folder');
      seen.add(node.name);
      const selection = select(segments, includes);
      if (selection === 'none') continue;
      if (selection === 'ancestor' && node.type !== 'dir') continue;
      const item = { segments, node };
      switch (node.type) {
        case 'dir':
          plan.dirs.push(item);
          if (!node.subtree)
            throw new LifeboatError('REPO_CORRUPT', `Folder ${displayPath(segments)} has no subtree.`);
          if (ancestors.has(node.subtree))
            throw new LifeboatError('REPO_CORRUPT', `Tree cycle at ${displayPath(segments)}.`);
          ancestors.add(node.subtree);
          await visit(node.subtree, segments, ancestors);
          ancestors.delete(node.subtree);
          break;
        case 'file':
          plan.files.push(item);
          plan.totalBytes += node.size ?? 0;
          break;
        case 'symlink':
          plan.symlinks.push(item);
          break;
        default:
          plan.skipped.push(item);
      }
    }
  };
  await visit(rootTree, [], new Set([rootTree]));
  return plan;
}
