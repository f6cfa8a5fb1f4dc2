import { RedisDeadlineError } from '@app/jobs';
import { type LockRedis, RedisRunTriggerLock, RunTriggerLockTimeout } from './run-trigger.lock';

/** A Redis at the lock's edge: `set` answers as told; every key it holds is kept. */
function redisAnswering(set: LockRedis['set']): LockRedis & { released: string[] } {
  const released: string[] = [];
  return {
    released,
    set,
    eval: (_script, _keys, key) => {
      released.push(key);
      return Promise.resolve(1);
    },
  };
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe('RedisRunTriggerLock', () => {
  it('runs the work holding the lock, and releases it', async () => {
    const redis = redisAnswering(() => Promise.resolve('OK'));
    const lock = new RedisRunTriggerLock(() => Promise.resolve(redis), { prefix: 'p', waitMs: 1000 });
    await expect(lock.withLock('sis', () => Promise.resolve(42))).resolves.toBe(42);
    expect(redis.released).toEqual(['p:run-trigger-lock:sis']);
  });

  it('gives up when another holder keeps the lock past the wait time, saying so (not "Redis down")', async () => {
    // Each answer takes a round trip: the last try must not be cut short as if Redis were silent.
    const redis = redisAnswering(() => new Promise((resolve) => setTimeout(() => resolve(null), 3)));
    const lock = new RedisRunTriggerLock(() => Promise.resolve(redis), { prefix: 'p', waitMs: 50 });
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await expect(lock.withLock('sis', () => Promise.resolve(1))).rejects.toBeInstanceOf(
        RunTriggerLockTimeout,
      );
    }
  });

  it('answers within the wait time when Redis does not answer at all, and runs nothing', async () => {
    let ran = false;
    const work = () => {
      ran = true;
      return Promise.resolve(1);
    };
    const silent = new RedisRunTriggerLock(() => Promise.resolve(redisAnswering(never)), {
      prefix: 'p',
      waitMs: 50,
    });
    await expect(silent.withLock('sis', work)).rejects.toThrow(RedisDeadlineError);
    const unconnected = new RedisRunTriggerLock(never, { prefix: 'p', waitMs: 50 });
    await expect(unconnected.withLock('sis', work)).rejects.toThrow(/Redis did not answer within 1 s/);
    expect(ran).toBe(false);
  });

  it('leaves a release Redis does not answer to the expiry: the work’s result stands', async () => {
    const redis = { set: () => Promise.resolve('OK' as const), eval: never };
    const lock = new RedisRunTriggerLock(() => Promise.resolve(redis), { prefix: 'p', waitMs: 50 });
    await expect(lock.withLock('sis', () => Promise.resolve('done'))).resolves.toBe('done');
  });
});
