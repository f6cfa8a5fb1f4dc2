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

  /** One worker process's limiter: its own Redis connection, the deployment's prefix. */
  function processLimiter(limits: TargetLimits, ownPrefix = prefix): TargetRateLimiter {
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    clients.push(client);
    const limiter = new TargetRateLimiter(
      limits,
      new RedisSharedTargetLimits(() => Promise.resolve(client), ownPrefix),
    );
    limiters.push(limiter);
    return limiter;
  }

  afterAll(async () => {
    for (const limiter of limiters) limiter.close();
    const keys = await clients[0].keys(`${prefix}*`);
    if (keys.length > 0) await clients[0].del(...keys);
    await Promise.all(clients.map((client) => client.quit()));
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
    const limiter = processLimiter({ concurrency: 50, ratePerSecond: 10_000, burst: 1 });
    const asked = Date.now();
    await Promise.all(Array.from({ length: 20 }, () => limiter.run('fast', () => Promise.resolve())));
    // 20 requests at 10,000/s need 2 ms; each refusal would cost at least one.
    expect(Date.now() - asked).toBeLessThan(1000);
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
    await dead.acquire('lease'); // never released: its process is gone
    const asked = Date.now();
    const release = await alive.acquire('lease');
    expect(Date.now() - asked).toBeGreaterThanOrEqual(250);
    release();
    await sleep(20); // the release is on its way to Redis
    const again = Date.now();
    const next = await processLimiter(limits).acquire('lease');
    expect(Date.now() - again).toBeLessThan(250);
    next();
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

  it('fails a waiter with a clear error when Redis does not answer', async () => {
    // Nothing listens on port 1: the one connection attempt fails and the client gives up.
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
    down.on('error', () => undefined);
    await new Promise((resolve) => down.once('end', resolve));
    const limiter = new TargetRateLimiter(
      { concurrency: 1, ratePerSecond: 10 },
      new RedisSharedTargetLimits(() => Promise.resolve(down), prefix),
    );
    limiters.push(limiter);
    const waiting = limiter.acquire('down');
    await expect(waiting).rejects.toThrow(SharedLimitsUnavailableError);
    await expect(waiting).rejects.toThrow('the shared target limits did not answer: Connection is closed.');
  });
});
