import { LimiterAbortedError, TargetRateLimiter } from './target-rate-limiter';

beforeEach(() => jest.useFakeTimers({ now: Date.parse('2025-01-01T00:00:00Z') }));
afterEach(() => jest.useRealTimers());

/** Starts `count` acquisitions and records which have been granted. */
function contend(limiter: TargetRateLimiter, target: string, count: number) {
  const granted: number[] = [];
  const releases: (() => void)[] = [];
  for (let i = 0; i < count; i += 1) {
    void limiter.acquire(target).then((release) => {
      granted.push(i);
      releases[i] = release;
    });
  }
  return { granted, releases };
}

describe('TargetRateLimiter', () => {
  it('lets `burst` requests start at once and the rest at ratePerSecond', async () => {
    const limiter = new TargetRateLimiter({ concurrency: 10, ratePerSecond: 2, burst: 2 });
    const { granted } = contend(limiter, 'a', 5);
    await jest.advanceTimersByTimeAsync(0);
    expect(granted).toEqual([0, 1]);
    await jest.advanceTimersByTimeAsync(499);
    expect(granted).toEqual([0, 1]);
    await jest.advanceTimersByTimeAsync(1);
    expect(granted).toEqual([0, 1, 2]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(granted).toEqual([0, 1, 2, 3, 4]);
  });

  it('holds requests beyond `concurrency` until one is released, in FIFO order', async () => {
    const limiter = new TargetRateLimiter({ concurrency: 2, ratePerSecond: 1000, burst: 10 });
    const { granted, releases } = contend(limiter, 'a', 4);
    await jest.advanceTimersByTimeAsync(10);
    expect(granted).toEqual([0, 1]);
    expect(limiter.stats('a')).toEqual({ active: 2, waiting: 2, pausedUntil: 0 });
    releases[1]?.();
    releases[1]?.(); // a second release of the same slot is ignored
    await jest.advanceTimersByTimeAsync(10);
    expect(granted).toEqual([0, 1, 2]);
    expect(limiter.stats('a').active).toBe(2);
  });

  it('keeps targets independent', async () => {
    const limiter = new TargetRateLimiter({ concurrency: 1, ratePerSecond: 1, burst: 1 });
    const a = contend(limiter, 'a', 2);
    const b = contend(limiter, 'b', 1);
    await jest.advanceTimersByTimeAsync(0);
    expect(a.granted).toEqual([0]);
    expect(b.granted).toEqual([0]);
  });

  it('pauses a target until a Retry-After instant', async () => {
    const limiter = new TargetRateLimiter({ concurrency: 5, ratePerSecond: 100, burst: 5 });
    limiter.pauseUntil('a', Date.now() + 3000);
    const { granted } = contend(limiter, 'a', 2);
    await jest.advanceTimersByTimeAsync(2999);
    expect(granted).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(granted).toEqual([0, 1]);
  });

  it('applies per-target limits set later', async () => {
    const limiter = new TargetRateLimiter({ concurrency: 5, ratePerSecond: 100, burst: 5 });
    limiter.setLimits('slow', { concurrency: 1, ratePerSecond: 100 });
    const { granted } = contend(limiter, 'slow', 2);
    await jest.advanceTimersByTimeAsync(100);
    expect(granted).toEqual([0]);
  });

  it('run() releases the slot when the task fails', async () => {
    const limiter = new TargetRateLimiter({ concurrency: 1, ratePerSecond: 1000, burst: 5 });
    await expect(limiter.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run('a', () => Promise.resolve(7))).resolves.toBe(7);
    expect(limiter.stats('a').active).toBe(0);
  });

  it('rejects a waiter whose signal aborts and one waiting when the limiter closes', async () => {
    const limiter = new TargetRateLimiter({ concurrency: 1, ratePerSecond: 1000, burst: 5 });
    const held = await limiter.acquire('a');
    const controller = new AbortController();
    const aborted = limiter.acquire('a', controller.signal);
    const closed = limiter.acquire('a');
    controller.abort();
    await expect(aborted).rejects.toThrow(LimiterAbortedError);
    limiter.close();
    await expect(closed).rejects.toThrow('limiter closed');
    await expect(limiter.acquire('a')).rejects.toThrow('limiter closed');
    held();
  });

  it.each([
    [{ concurrency: 0, ratePerSecond: 1 }, 'concurrency'],
    [{ concurrency: 1, ratePerSecond: 0 }, 'ratePerSecond'],
    [{ concurrency: 1, ratePerSecond: 1, burst: 0 }, 'burst'],
  ])('refuses limits %p', (limits, name) => {
    expect(() => new TargetRateLimiter(limits)).toThrow(name);
  });
});
