/**
 * Trees as browsing and searching need them: name, type, size, time and subtree of each entry, and
 * nothing else. Decoded with plain JSON.parse, several times faster than the engine's exact decoder
 * (which keeps 64-bit inode numbers exact, needed to restore hard links but not to show a folder),
 * and a fraction of its memory, so many more trees fit in the cache.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { goUnquoteInner } from '../repo/go-quote.ts';
import { goZeroTime, isNodeType, type NodeType } from '../repo/tree.ts';

export interface BrowseNode {
  name: string;
  type: NodeType;
  /** File size (0 for anything else). */
  size: number;
  /** RFC3339Nano, as stored. */
  mtime: string;
  subtree?: string;
}

export interface BrowseTree {
  nodes: BrowseNode[];
}

function corrupt(what: string): LifeboatError {
  return new LifeboatError('REPO_CORRUPT', `A folder listing in the repository is damaged (${what}).`, {
    hint: 'Run a repository check.',
  });
}

export function decodeBrowseTree(raw: Buffer): BrowseTree {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw corrupt('not JSON');
  }
  const list = (parsed as { nodes?: unknown } | null)?.nodes ?? [];
  if (!Array.isArray(list)) throw corrupt('no node list');
  const nodes: BrowseNode[] = new Array<BrowseNode>(list.length);
  for (let i = 0; i < list.length; i++) {
    const n = list[i] as Record<string, unknown> | null;
    if (typeof n !== 'object' || n === null || typeof n.name !== 'string' || typeof n.type !== 'string') {
      throw corrupt('an entry lacks name or type');
    }
    if (!isNodeType(n.type)) throw corrupt(`unknown type ${JSON.stringify(n.type)}`);
    const node: BrowseNode = {
      // Names are stored Go-quoted; only names with escapes need unquoting.
      name: n.name.includes('\\') ? goUnquoteInner(n.name) : n.name,
      type: n.type,
      size: n.type === 'file' && typeof n.size === 'number' ? n.size : 0,
      mtime: typeof n.mtime === 'string' ? n.mtime : goZeroTime,
    };
    if (typeof n.subtree === 'string') node.subtree = n.subtree;
    nodes[i] = node;
  }
  return { nodes };
}
