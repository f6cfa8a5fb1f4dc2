import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * An in-process, re-entrant mutex. TypeORM's better-sqlite3 driver runs every query of a data
 * source on one shared connection: two interleaved transactions would nest into each other, and
 * a plain statement issued while a transaction is open would commit or roll back with it. The
 * store therefore serialises its SQLite work through this lock. Work started while the lock is
 * held by the same async context (a repository call made inside a store transaction) runs at
 * once instead of waiting for itself.
 */
export class StoreLock {
  private tail: Promise<void> = Promise.resolve();
  private readonly holder = new AsyncLocalStorage<StoreLock>();

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.holder.getStore() === this) return work();
    const result = this.tail.then(() => this.holder.run(this, work));
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
