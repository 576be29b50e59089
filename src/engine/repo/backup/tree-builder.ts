/**
 * Builds the snapshot's trees bottom-up while the scan goes on. Every directory collects its
 * children as "future nodes" (a file may still be in a worker); at its dir-end a task waits for
 * them, saves the tree blob and resolves to the directory's node, which becomes a future in its
 * own parent. So the scanner never waits for file contents, and a tree is saved only after all of
 * its blobs were handed to the packer, like restic's treeSaver.
 */
import { encodeTree } from '../tree.ts';
import type { TreeNode } from '../tree.ts';
import { nodeFromEntry } from './node-from-entry.ts';
import type { ScanEntry } from './scanner.ts';

/** undefined: the entry was left out (unreadable, vanished). */
export type FutureNode = TreeNode | undefined | Promise<TreeNode | undefined>;

interface DirFrame {
  entry: ScanEntry;
  prev: TreeNode | undefined;
  children: FutureNode[];
}

export interface TreeBuilderOptions {
  saveTree(plaintext: Buffer): Promise<string>;
  /** Called for each saved directory, with its node in the parent snapshot. */
  onDir(prev: TreeNode | undefined, node: TreeNode): void;
}

const noop = () => undefined;

export class TreeBuilder {
  private readonly opts: TreeBuilderOptions;
  private readonly root: FutureNode[] = [];
  private readonly stack: DirFrame[] = [];

  constructor(opts: TreeBuilderOptions) {
    this.opts = opts;
  }

  get depth(): number {
    return this.stack.length;
  }

  add(node: FutureNode): void {
    // A rejection is handled where the future is awaited; until then it must not count as unhandled.
    if (node instanceof Promise) node.catch(noop);
    (this.stack[this.stack.length - 1]?.children ?? this.root).push(node);
  }

  enter(entry: ScanEntry, prev: TreeNode | undefined): void {
    this.stack.push({ entry, prev, children: [] });
  }

  /** Closes the current directory. An incomplete one (unreadable) is left out, like restic does. */
  leave(complete: boolean): void {
    const frame = this.stack.pop();
    if (!frame) return;
    if (!complete) {
      frame.children.length = 0;
      this.add(undefined);
      return;
    }
    this.add(this.saveDir(frame));
  }

  /** Saves the root tree (the children of "/"); returns its id and how many nodes it has. */
  async finish(): Promise<{ treeId: string; nodes: number }> {
    while (this.stack.length > 0) this.leave(true); // only after an early end of the scan
    const nodes = await settle(this.root);
    return { treeId: await this.opts.saveTree(encodeTree(nodes)), nodes: nodes.length };
  }

  private async saveDir(frame: DirFrame): Promise<TreeNode> {
    const nodes = await settle(frame.children);
    frame.children.length = 0;
    const subtree = await this.opts.saveTree(encodeTree(nodes));
    const node = { ...nodeFromEntry(frame.entry), subtree };
    this.opts.onDir(frame.prev, node);
    return node;
  }
}

/** Waits for every future; the first failure wins (after all have settled, so none is left running). */
async function settle(futures: FutureNode[]): Promise<TreeNode[]> {
  const results = await Promise.allSettled(futures);
  const out: TreeNode[] = [];
  for (const r of results) {
    if (r.status === 'rejected') throw r.reason;
    if (r.value) out.push(r.value);
  }
  return out;
}
