import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeWithService } from '@app/testing';
import { Redis } from 'ioredis';
import { RedisSharedTargetLimits } from './shared-target-limits';
import { SharedLimitsUnavailableError, type TargetLimits, TargetRateLimiter } from './target-rate-limiter';

const REDIS_URL = 'redis://127.0.0.1:6379';

describeWithService('redis', 'target limits shared by worker processes through Redis', () => {
  const prefix = `t-limits-${randomBytes(4).toString('hex')}`;
  const clients: Redis[] = [];
  const limiters: TargetRateLimiter[] = [];
  const clientOf = new Map<TargetRateLimiter, Redis>();
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    clients.push(admin);
  });

  /** One worker process's limiter: its own Redis connection, the deployment's prefix. */
  function processLimiter(limits: TargetLimits, ownPrefix = prefix): TargetRateLimiter {
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    clients.push(client);
    const limiter = new TargetRateLimiter(
      limits,
      new RedisSharedTargetLimits(() => Promise.resolve(client), ownPrefix),
    );
    limiters.push(limiter);
    clientOf.set(limiter, client);
    return limiter;
  }

  /** Resolves with `what`'s value, or rejects once `ms` passed without it. */
  function within<T>(ms: number, what: Promise<T>): Promise<T> {
    return Promise.race([
      what,
      sleep(ms, undefined, { ref: false }).then(() => Promise.reject(new Error(`nothing within ${ms} ms`))),
    ]);
  }

  afterAll(async () => {
    for (const limiter of limiters) limiter.close();
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await Promise.all(clients.filter((client) => client.status !== 'end').map((client) => client.quit()));
  });

  it('keeps the concurrency of a target across processes', async () => {
    const limits = { concurrency: 3, ratePerSecond: 1000, burst: 10 };
    const processes = [processLimiter(limits), processLimiter(limits)];
    let inFlight = 0;
    let most = 0;
    const request = async (limiter: TargetRateLimiter) =>
      limiter.run('concurrency', async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(40);
        inFlight -= 1;
      });
    await Promise.all(processes.flatMap((limiter) => Array.from({ length: 6 }, () => request(limiter))));
    // Each process alone would have let 3 in: 6 at once.
    expect(most).toBe(3);
  });

  it('keeps the rate of a target across processes', async () => {
    const limits = { concurrency: 50, ratePerSecond: 50, burst: 1 };
    const processes = [processLimiter(limits), processLimiter(limits)];
    const starts: number[] = [];
    await Promise.all(
      processes.flatMap((limiter) =>
        Array.from({ length: 10 }, () =>
          limiter.run('rate', () => {
            starts.push(Date.now());
            return Promise.resolve();
          }),
        ),
      ),
    );
    starts.sort((a, b) => a - b);
    // One request per 20 ms for both together (each alone would have started 10 in 180 ms): the
    // i-th start is at least i intervals after the first, less the first answer's way back.
    for (let i = 1; i < starts.length; i += 1)
      expect(starts[i] - starts[0]).toBeGreaterThanOrEqual(i * 20 - 15);
    expect(starts[starts.length - 1] - starts[0]).toBeGreaterThanOrEqual(19 * 20 - 15);
  });

  it('grants back to back at high rates, whose interval is a fraction of a millisecond', async () => {
    const shared = new RedisSharedTargetLimits(() => Promise.resolve(admin), prefix);
    let asked = 0;
    const counting = {
      acquire: (...args: Parameters<RedisSharedTargetLimits['acquire']>) => {
        asked += 1;
        return shared.acquire(...args);
      },
      pause: (...args: Parameters<RedisSharedTargetLimits['pause']>) => shared.pause(...args),
    };
    const limiter = new TargetRateLimiter({ concurrency: 50, ratePerSecond: 10_000, burst: 1 }, counting);
    limiters.push(limiter);
    await within(
      2000,
      Promise.all(Array.from({ length: 20 }, () => limiter.run('fast', () => Promise.resolve()))),
    );
    // One slot is asked for at a time, and an answer mostly takes longer than the 0.1 ms
    // interval: a few refusals (a loaded machine answers in bursts), never one per grant.
    expect(asked).toBeLessThan(40);
  });

  it("holds every process to one process's Retry-After pause", async () => {
    const limits = { concurrency: 5, ratePerSecond: 1000, burst: 5 };
    const [told, other] = [processLimiter(limits), processLimiter(limits)];
    const pausedAt = Date.now();
    told.pauseUntil('paused', pausedAt + 300);
    await sleep(20); // the pause is on its way to Redis
    const release = await other.acquire('paused');
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(290);
    // The other process learnt the pause too: its next jobs are handed back while it lasts.
    expect(other.stats('paused').pausedUntil).toBeGreaterThan(pausedAt);
    release();
  });

  it('frees a slot whose holder died once its lease ends, and a released one at once', async () => {
    const limits = { concurrency: 1, ratePerSecond: 1000, burst: 10, slotLeaseMs: 300 };
    const [dead, alive] = [processLimiter(limits), processLimiter(limits)];
    await dead.acquire('lease'); // never released: its process is gone, and its renewals with it
    await clientOf.get(dead)!.quit();
    const asked = Date.now();
    const release = await alive.acquire('lease');
    expect(Date.now() - asked).toBeGreaterThanOrEqual(150);
    release();
    await sleep(20); // the release is on its way to Redis
    const again = Date.now();
    const next = await processLimiter(limits).acquire('lease');
    expect(Date.now() - again).toBeLessThan(150);
    next();
  });

  it('keeps a live holder its slot beyond the lease, renewing it', async () => {
    const limits = { concurrency: 1, ratePerSecond: 1000, burst: 10, slotLeaseMs: 300 };
    const [holder, other] = [processLimiter(limits), processLimiter(limits)];
    const held = await holder.acquire('renewed');
    const waiting = other.acquire('renewed');
    const during = await Promise.race([
      waiting.then(() => 'granted'),
      sleep(1000, undefined, { ref: false }).then(() => 'waiting'),
    ]);
    expect(during).toBe('waiting'); // more than three leases long
    held();
    (await within(500, waiting))();
  });

  it("gives a busy target's free slots to the processes waiting, in turn, not to the ones that released them", async () => {
    const limits = { concurrency: 2, ratePerSecond: 1000, burst: 10 };
    const [first, second, third] = [processLimiter(limits), processLimiter(limits), processLimiter(limits)];
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(name);
      await sleep(30);
    };
    // Two processes with six requests queued each: each slot they get or release, they ask for
    // another at once.
    const backlogs = [first, second].flatMap((limiter, p) =>
      Array.from({ length: 6 }, (_, i) => limiter.run('fair', task(`${p}-${i}`))),
    );
    await sleep(5);
    await Promise.all([...backlogs, third.run('fair', task('third'))]);
    expect(order).toHaveLength(13);
    // It waited its turn behind the two requests that were waiting before it, not for both backlogs.
    expect(order.indexOf('third')).toBeLessThanOrEqual(5);
  });

  it('grants a slot once when the script runs twice for it (an answer lost, the command sent again)', async () => {
    const limits = { concurrency: 1, ratePerSecond: 1000, burst: 10, leaseMs: 60_000 };
    const client = admin;
    let repeated = false;
    const twice = new RedisSharedTargetLimits(
      () =>
        Promise.resolve({
          // ioredis sends an unanswered command again after a reconnect: the script runs twice.
          eval: async (script: string, keys: number, ...args: (string | number)[]) => {
            if (!repeated && script.includes('ZREMRANGEBYSCORE')) {
              repeated = true;
              await client.eval(script, keys, ...args);
            }
            return client.eval(script, keys, ...args);
          },
        }),
      prefix,
    );
    const slot = await twice.acquire('twice', limits);
    expect(repeated).toBe(true);
    expect(slot.granted).toBe(true);
    if (slot.granted) await slot.release();
    // Released, the target is free: the first run left nothing taken.
    const after = await new RedisSharedTargetLimits(() => Promise.resolve(client), prefix).acquire(
      'twice',
      limits,
    );
    expect(after.granted).toBe(true);
    if (after.granted) await after.release();
  });

  it('keeps targets and deployments (prefixes) apart', async () => {
    const limits = { concurrency: 1, ratePerSecond: 1000, burst: 10 };
    const held = await processLimiter(limits).acquire('apart');
    const otherTarget = processLimiter(limits).acquire('apart-2');
    const otherDeployment = processLimiter(limits, `${prefix}-other`).acquire('apart');
    const bothGranted = Promise.all([otherTarget, otherDeployment]);
    const first = await Promise.race([
      bothGranted.then(() => 'granted'),
      sleep(1000, undefined, { ref: false }).then(() => 'waited'),
    ]);
    expect(first).toBe('granted');
    for (const release of await bothGranted) release();
    held();
  });

  it('fails a waiter with a clear error when Redis answers the script with an error', async () => {
    // A key of another type where the slots live: Redis refuses the script (WRONGTYPE).
    await admin.set(`${prefix}:target-limits:{broken}:active`, 'not a sorted set');
    const limiter = processLimiter({ concurrency: 1, ratePerSecond: 10 });
    const waiting = limiter.acquire('broken');
    await expect(waiting).rejects.toThrow(SharedLimitsUnavailableError);
    await expect(waiting).rejects.toThrow(/^the shared target limits did not answer: .*WRONGTYPE/);
    expect(limiter.stats('broken')).toEqual({ active: 0, waiting: 0, pausedUntil: 0 });
  });
});
