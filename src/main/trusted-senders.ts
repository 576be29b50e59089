import type { WebContents } from 'electron';

/**
 * The webContents of windows this app created: the only ones allowed to call the Service over IPC or to
 * receive its events (security checklist item 17). An entry leaves when its webContents is destroyed.
 */
export class TrustedSenders {
  readonly #byId = new Map<number, WebContents>();

  add(contents: WebContents): void {
    const { id } = contents;
    this.#byId.set(id, contents);
    contents.once('destroyed', () => this.#byId.delete(id));
  }

  /** By id: ids are unique for the life of the process and never reused. */
  has(contents: WebContents): boolean {
    return this.#byId.has(contents.id);
  }

  /** Live trusted webContents, for pushing events. */
  list(): WebContents[] {
    return [...this.#byId.values()].filter((contents) => !contents.isDestroyed());
  }
}
