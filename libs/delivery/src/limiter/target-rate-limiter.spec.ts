import {
  type SharedLimits,
  type SharedRefusal,
  type SharedSlot,
  type SharedTargetLimits,
} from './shared-target-limits';
import { LimiterAbortedError, SharedLimitsUnavailableError, TargetRateLimiter } from './target-rate-limiter';

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
    [{ concurrency: 1, ratePerSecond: 1, slotLeaseMs: 0 }, 'slotLeaseMs'],
  ])('refuses limits %p', (limits, name) => {
    expect(() => new TargetRateLimiter(limits)).toThrow(name);
  });
});

/** Shared limits answering from a script of answers, recording what it was asked and released. */
class ScriptedSharedLimits implements SharedTargetLimits {
  readonly asked: SharedLimits[] = [];
  readonly paused: number[] = [];
  released = 0;
  private answers: (SharedRefusal | 'grant' | Error)[] = [];

  answer(...answers: (SharedRefusal | 'grant' | Error)[]): void {
    this.answers.push(...answers);
  }

  acquire(_targetId: string, limits: SharedLimits): Promise<SharedSlot | SharedRefusal> {
    this.asked.push(limits);
    const next = this.answers.shift() ?? 'grant';
    if (next instanceof Error) return Promise.reject(next);
    if (next !== 'grant') return Promise.resolve(next);
    return Promise.resolve({
      granted: true,
      release: () => {
        this.released += 1;
        return Promise.resolve();
      },
    });
  }

  pause(_targetId: string, ms: number): Promise<void> {
    this.paused.push(ms);
    return Promise.resolve();
  }
}

describe('TargetRateLimiter with shared limits', () => {
  it("asks the shared limits for every slot, with the target's limits and lease, and frees it on release", async () => {
    const shared = new ScriptedSharedLimits();
    const limiter = new TargetRateLimiter({ concurrency: 5, ratePerSecond: 1, burst: 1 }, shared);
    limiter.setLimits('a', { concurrency: 3, ratePerSecond: 2, burst: 2, slotLeaseMs: 90_000 });
    const { granted, releases } = contend(limiter, 'a', 3);
    await jest.advanceTimersByTimeAsync(0);
    // The rate is the shared limits' to keep: the process's own token bucket does not hold the third back.
    expect(granted).toEqual([0, 1, 2]);
    expect(shared.asked).toEqual([
      { concurrency: 3, ratePerSecond: 2, burst: 2, leaseMs: 90_000 },
      { concurrency: 3, ratePerSecond: 2, burst: 2, leaseMs: 90_000 },
      { concurrency: 3, ratePerSecond: 2, burst: 2, leaseMs: 90_000 },
    ]);
    releases[0]?.();
    releases[0]?.(); // a second release frees nothing more
    await jest.advanceTimersByTimeAsync(0);
    expect(shared.released).toBe(1);
  });

  it('waits as long as a refusal says, then asks again for the same waiter', async () => {
    const shared = new ScriptedSharedLimits();
    shared.answer(
      { granted: false, reason: 'rate', retryInMs: 400 },
      { granted: false, reason: 'busy', retryInMs: 25 },
    );
    const limiter = new TargetRateLimiter({ concurrency: 5, ratePerSecond: 100 }, shared);
    const { granted } = contend(limiter, 'a', 2);
    await jest.advanceTimersByTimeAsync(399);
    expect(granted).toEqual([]);
    expect(shared.asked).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(shared.asked).toHaveLength(2);
    expect(granted).toEqual([]);
    await jest.advanceTimersByTimeAsync(25);
    expect(granted).toEqual([0, 1]);
  });

  it("takes a pause another process was told about, so this process's next jobs see it", async () => {
    const shared = new ScriptedSharedLimits();
    shared.answer({ granted: false, reason: 'paused', retryInMs: 3000 });
    const limiter = new TargetRateLimiter({ concurrency: 5, ratePerSecond: 100 }, shared);
    const { granted } = contend(limiter, 'a', 1);
    await jest.advanceTimersByTimeAsync(0);
    expect(limiter.stats('a').pausedUntil).toBe(Date.now() + 3000);
    await jest.advanceTimersByTimeAsync(2999);
    expect(granted).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(granted).toEqual([0]);
  });

  it('tells the shared limits of a Retry-After pause', () => {
    const shared = new ScriptedSharedLimits();
    const limiter = new TargetRateLimiter({ concurrency: 5, ratePerSecond: 100 }, shared);
    limiter.pauseUntil('a', Date.now() + 7000);
    expect(shared.paused).toEqual([7000]);
  });

  it('frees a shared slot granted to a waiter that gave up meanwhile', async () => {
    const shared = new ScriptedSharedLimits();
    const limiter = new TargetRateLimiter({ concurrency: 5, ratePerSecond: 100 }, shared);
    const controller = new AbortController();
    const waiting = limiter.acquire('a', controller.signal);
    controller.abort(); // before the shared limits answer
    await expect(waiting).rejects.toThrow(LimiterAbortedError);
    await jest.advanceTimersByTimeAsync(0);
    expect(shared.released).toBe(1);
    expect(limiter.stats('a')).toEqual({ active: 0, waiting: 0, pausedUntil: 0 });
  });

  it('fails the first waiter when the shared limits do not answer, and asks again for the next', async () => {
    const shared = new ScriptedSharedLimits();
    shared.answer(new Error('Connection is closed.'));
    const limiter = new TargetRateLimiter({ concurrency: 5, ratePerSecond: 100 }, shared);
    const first = limiter.acquire('a');
    const second = limiter.acquire('a');
    await expect(first).rejects.toThrow(SharedLimitsUnavailableError);
    await expect(first).rejects.toThrow('the shared target limits did not answer: Connection is closed.');
    await expect(second).resolves.toEqual(expect.any(Function));
    expect(shared.asked).toHaveLength(2);
  });

  /** Shared limits whose first answer (a grant) comes when `answer()` is called. */
  function slowSharedLimits() {
    let answer: () => void = () => undefined;
    let released = 0;
    const shared: SharedTargetLimits = {
      acquire: () =>
        new Promise<SharedSlot>((resolve) => {
          answer = () =>
            resolve({
              granted: true,
              release: () => {
                released += 1;
                return Promise.resolve();
              },
            });
        }),
      pause: () => Promise.resolve(),
    };
    return { shared, answer: () => answer(), released: () => released };
  }

  it('does not use a slot granted after this process learnt of a pause; asks again once it ends', async () => {
    const slow = slowSharedLimits();
    const limiter = new TargetRateLimiter({ concurrency: 5, ratePerSecond: 100 }, slow.shared);
    const { granted } = contend(limiter, 'a', 1);
    await jest.advanceTimersByTimeAsync(0);
    limiter.pauseUntil('a', Date.now() + 2000); // a 429 while the slot was being asked for
    slow.answer();
    await jest.advanceTimersByTimeAsync(0);
    expect(granted).toEqual([]);
    expect(slow.released()).toBe(1);
    await jest.advanceTimersByTimeAsync(2000);
    slow.answer();
    await jest.advanceTimersByTimeAsync(0);
    expect(granted).toEqual([0]);
  });

  it('frees a slot granted after the limiter closed', async () => {
    const slow = slowSharedLimits();
    const limiter = new TargetRateLimiter({ concurrency: 5, ratePerSecond: 100 }, slow.shared);
    const waiting = limiter.acquire('a');
    await jest.advanceTimersByTimeAsync(0);
    limiter.close();
    await expect(waiting).rejects.toThrow('limiter closed');
    slow.answer();
    await jest.advanceTimersByTimeAsync(0);
    expect(slow.released()).toBe(1);
  });
});
