import { type EntityManager } from 'typeorm';
import { isTransientConflict } from './driver-errors';
import { type StoreDriver } from './portable-column';
import { type StoreLock } from './store-lock';

const TRANSACTION_ATTEMPTS = 3;

/** The store's clock; injectable so tests can move time. */
export type StoreClock = () => Date;

/**
 * What a repository runs its work through: an entity manager (the data source's, or a
 * transaction's), the SQLite lock when there is one, and the clock. Repositories never touch the
 * data source directly, so the same repository code runs alone or inside `PublisherStore.transaction`.
 */
export class StoreContext {
  constructor(
    readonly driver: StoreDriver,
    private readonly manager: EntityManager,
    private readonly lock: StoreLock | undefined,
    readonly clock: StoreClock,
    private readonly nested = false,
  ) {}

  /** Work that needs no atomicity across its statements (or is a single statement). */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.lock ? this.lock.run(() => work(this.manager)) : work(this.manager);
  }

  /**
   * Work that must commit or roll back as a whole. Inside a store transaction this becomes a
   * savepoint of it. An outermost transaction the database aborts to break a deadlock (see
   * isTransientConflict) is run again, up to 3 attempts in all, so `work` must only touch the store.
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    // READ COMMITTED everywhere but SQLite (serialised anyway): the PostgreSQL and SQL Server
    // default, and what lets a MySQL/MariaDB transaction see the row a concurrent writer won a
    // unique race with (REPEATABLE READ would keep showing it its old snapshot).
    const go = (): Promise<T> =>
      this.driver === 'sqlite' || this.nested
        ? this.manager.transaction(work)
        : this.manager.transaction('READ COMMITTED', work);
    const once = (): Promise<T> => (this.lock ? this.lock.run(go) : go());
    if (this.nested) return once();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once();
      } catch (error) {
        if (attempt >= TRANSACTION_ATTEMPTS || !isTransientConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 20 * attempt)));
      }
    }
  }

  /** A context bound to a transaction's manager (the caller already holds the lock). */
  within(manager: EntityManager): StoreContext {
    return new StoreContext(this.driver, manager, undefined, this.clock, true);
  }

  now(): Date {
    return this.clock();
  }
}
