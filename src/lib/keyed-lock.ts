/**
 * Serializes async work per key within this process. Work on several keys takes them in sorted
 * order, so two callers can never wait on each other in a cycle.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: string[], work: () => Promise<T>): Promise<T> {
    const releases: Array<() => void> = [];
    try {
      for (const key of [...new Set(keys)].sort()) {
        const previous = this.tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        const tail = previous.then(() => held);
        this.tails.set(key, tail);
        releases.push(() => {
          release();
          if (this.tails.get(key) === tail) this.tails.delete(key);
        });
        await previous;
      }
      return await work();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** Keys with work running or waiting; for tests and diagnostics. */
  get size(): number {
    return this.tails.size;
  }
}
