/**
 * Groups a stream of learner ids into batches of `size`, each id once: an id already seen (asked
 * twice in a republish, or batched before an extraction was retried) is skipped.
 */
export class LearnerBatcher {
  private current: string[] = [];

  constructor(
    private readonly size: number,
    private readonly seen: Set<string> = new Set(),
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`batch size must be a positive integer, got ${size}`);
  }

  /** Adds ids; returns the batches they filled. */
  add(ids: Iterable<string>): string[][] {
    const full: string[][] = [];
    for (const id of ids) {
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      this.current.push(id);
      if (this.current.length === this.size) {
        full.push(this.current);
        this.current = [];
      }
    }
    return full;
  }

  /** The last, partly filled batch (none when empty). */
  flush(): string[][] {
    if (this.current.length === 0) return [];
    const last = this.current;
    this.current = [];
    return [last];
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }
}
