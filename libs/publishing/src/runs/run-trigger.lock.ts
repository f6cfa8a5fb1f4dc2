import { randomUUID } from 'node:crypto';
import { withRedisDeadline } from '@app/jobs';

/** The few Redis commands the lock needs (an ioredis client, or BullMQ's). */
export interface LockRedis {
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<'OK' | null>;
  eval(script: string, keys: number, ...args: string[]): Promise<unknown>;
}

/** Serialises trigger checks of one source across processes. */
export interface RunTriggerLock {
  /** Runs `work` while holding the source's lock; waits for it up to the lock's wait time. */
  withLock<T>(source: string, work: () => Promise<T>): Promise<T>;
}

/** When the lock cannot be had in time (another trigger of the source is slow or stuck). */
export class RunTriggerLockTimeout extends Error {
  override readonly name = 'RunTriggerLockTimeout';
}

const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface RedisRunTriggerLockOptions {
  /** Key prefix (the deployment's queue prefix). */
  prefix: string;
  /** How long the lock lives if its holder dies; default 15 s. */
  ttlMs?: number;
  /** How long to wait for it; default 15 s. */
  waitMs?: number;
}

/**
 * `SET key token NX PX ttl` around a trigger's check-and-create, released only by its holder
 * (compare-and-delete). The store's one-slot-per-source row backs it up: even without the lock two
 * runs of a source can never both be active, the lock only turns the loser's failed insert into
 * a clean "already running" answer naming the winner.
 */
export class RedisRunTriggerLock implements RunTriggerLock {
  private readonly ttlMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly redis: () => Promise<LockRedis>,
    private readonly options: RedisRunTriggerLockOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 15_000;
    this.waitMs = options.waitMs ?? 15_000;
  }

  /**
   * @throws RunTriggerLockTimeout when another holder keeps it past the wait time;
   *   RedisDeadlineError (`@app/jobs`) when Redis does not answer within it.
   */
  async withLock<T>(source: string, work: () => Promise<T>): Promise<T> {
    const key = `${this.options.prefix}:run-trigger-lock:${source}`;
    const token = randomUUID();
    const deadline = Date.now() + this.waitMs;
    // Each call gets the whole wait time to answer: a busy lock is told apart from a silent Redis.
    const answered = <R>(call: Promise<R>): Promise<R> =>
      withRedisDeadline(call, this.waitMs, 'taking the run trigger lock');
    const redis = await answered(this.redis());
    for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
      if ((await answered(redis.set(key, token, 'PX', this.ttlMs, 'NX'))) === 'OK') break;
      if (Date.now() >= deadline) {
        throw new RunTriggerLockTimeout(
          `the trigger lock of source "${source}" was not free within ${this.waitMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    try {
      return await work();
    } finally {
      // A release Redis does not answer is left to the lock's expiry.
      await withRedisDeadline(redis.eval(RELEASE, 1, key, token), this.waitMs, 'releasing the lock').catch(
        () => undefined,
      );
    }
  }
}

/** No cross-process lock: the store's slot row alone decides (tests, single-process installs). */
export class NoRunTriggerLock implements RunTriggerLock {
  withLock<T>(_source: string, work: () => Promise<T>): Promise<T> {
    return work();
  }
}
