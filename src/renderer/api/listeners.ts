/** A small typed fan-out; one listener throwing must not stop the others. */
export class Listeners<T> {
  readonly #set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.#set.add(listener);
    return () => {
      this.#set.delete(listener);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.#set]) {
      try {
        listener(value);
      } catch (err) {
        console.error('Lifeboat: a listener failed', err);
      }
    }
  }

  get size(): number {
    return this.#set.size;
  }
}
