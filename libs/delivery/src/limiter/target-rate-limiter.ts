import { type SharedTargetLimits } from './shared-target-limits';

/** The longest delay Node's timers hold. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Limits for one target. */
export interface TargetLimits {
  /** Requests in flight at once. */
  concurrency: number;
  /** Sustained requests per second (this process's token bucket, or the shared limits' GCRA). */
  ratePerSecond: number;
  /** Requests that may start back to back after a quiet spell (bucket size). Default 1. */
  burst?: number;
  /**
   * With shared limits: how long the slot of a process that died holding it stays taken (a live
   * holder renews it every third of this). Default 1 minute.
   */
  slotLeaseMs?: number;
}

/** The lease of a shared slot whose target sets none. */
export const DEFAULT_SLOT_LEASE_MS = 60_000;

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface TargetState {
  limits: Required<TargetLimits>;
  active: number;
  tokens: number;
  refilledAt: number;
  pausedUntil: number;
  queue: Waiter[];
  timer: ReturnType<typeof setTimeout> | undefined;
  /** A shared slot is being asked for (one request at a time per target and process). */
  admitting: boolean;
}

/** Thrown to a waiter when the limiter is closed or its signal aborts. */
export class LimiterAbortedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LimiterAbortedError';
  }
}

/** Thrown to a waiter when asking the shared limits failed (Redis answered with an error). */
export class SharedLimitsUnavailableError extends LimiterAbortedError {
  constructor(reason: string) {
    super(reason);
    this.name = 'SharedLimitsUnavailableError';
  }
}

/**
 * Per-target concurrency and rate limits: a FIFO queue per target, a cap on requests in flight,
 * a token bucket (`ratePerSecond`, `burst`), and {@link pauseUntil} to hold every request to a
 * target that answered 429/503 with Retry-After.
 *
 * With `shared` limits (the worker's, in Redis) the cap, the rate and the pause hold for all
 * worker processes together: each process queues its own requests and its first waiter asks the
 * shared limits for a slot, waiting as long as they say. Without them (tests, scripts) the
 * limits are this process's own.
 *
 * Why not BullMQ's limiter: it limits a whole queue (and `rateLimit()` pauses the whole
 * queue), while all targets share the deliver queue; per-group limits are BullMQ Pro only.
 */
export class TargetRateLimiter {
  private readonly targets = new Map<string, TargetState>();
  private closed = false;

  /**
   * @param defaults limits of targets without their own ({@link setLimits}).
   * @param shared limits kept across processes; without them, per process.
   */
  constructor(
    private readonly defaults: TargetLimits,
    private readonly shared?: SharedTargetLimits,
  ) {
    checkLimits(defaults);
  }

  /** Sets the limits of one target (e.g. from its configuration). */
  setLimits(targetId: string, limits: TargetLimits): void {
    checkLimits(limits);
    const state = this.state(targetId);
    state.limits = withDefaults(limits);
    state.tokens = Math.min(state.tokens, state.limits.burst);
    this.pump(targetId, state);
  }

  /**
   * Waits for a slot of the target; call the returned function exactly once when the request
   * is done (extra calls are ignored).
   *
   * @throws LimiterAbortedError when `signal` aborts while waiting or the limiter is closed.
   */
  acquire(targetId: string, signal?: AbortSignal): Promise<() => void> {
    if (this.closed) return Promise.reject(new LimiterAbortedError('limiter closed'));
    if (signal?.aborted === true) return Promise.reject(new LimiterAbortedError('aborted while waiting'));
    const state = this.state(targetId);
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const index = state.queue.indexOf(waiter);
          if (index >= 0) {
            state.queue.splice(index, 1);
            reject(new LimiterAbortedError('aborted while waiting'));
          }
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      state.queue.push(waiter);
      this.pump(targetId, state);
    });
  }

  /** Runs `task` within the target's limits. */
  async run<T>(targetId: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(targetId, signal);
    try {
      return await task();
    } finally {
      release();
    }
  }

  /**
   * Starts no request to the target before `epochMs` (a provider's Retry-After), in any process
   * when the limits are shared (best effort there: the others learn it from their own 429s if
   * Redis does not answer).
   */
  pauseUntil(targetId: string, epochMs: number): void {
    const state = this.state(targetId);
    if (epochMs > state.pausedUntil) state.pausedUntil = epochMs;
    this.shared?.pause(targetId, epochMs - Date.now()).catch(() => undefined);
    this.pump(targetId, state);
  }

  /** Requests in flight and waiting for a target. */
  stats(targetId: string): { active: number; waiting: number; pausedUntil: number } {
    const state = this.targets.get(targetId);
    return {
      active: state?.active ?? 0,
      waiting: state?.queue.length ?? 0,
      pausedUntil: state?.pausedUntil ?? 0,
    };
  }

  /** Rejects every waiter and stops the timers (worker shutdown). */
  close(): void {
    this.closed = true;
    for (const state of this.targets.values()) {
      if (state.timer !== undefined) clearTimeout(state.timer);
      state.timer = undefined;
      for (const waiter of state.queue.splice(0)) {
        this.detach(waiter);
        waiter.reject(new LimiterAbortedError('limiter closed'));
      }
    }
  }

  private state(targetId: string): TargetState {
    let state = this.targets.get(targetId);
    if (state === undefined) {
      const limits = withDefaults(this.defaults);
      state = {
        limits,
        active: 0,
        tokens: limits.burst,
        refilledAt: Date.now(),
        pausedUntil: 0,
        queue: [],
        timer: undefined,
        admitting: false,
      };
      this.targets.set(targetId, state);
    }
    return state;
  }

  private pump(targetId: string, state: TargetState): void {
    if (state.timer !== undefined) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
    while (state.queue.length > 0 && state.active < state.limits.concurrency && !this.closed) {
      const now = Date.now();
      // With shared limits the rate is theirs to keep: this process's bucket stays unused.
      if (this.shared === undefined) this.refill(state, now);
      let waitMs = 0;
      if (now < state.pausedUntil) waitMs = state.pausedUntil - now;
      else if (this.shared === undefined && state.tokens < 1)
        waitMs = Math.ceil(((1 - state.tokens) * 1000) / state.limits.ratePerSecond);
      if (waitMs > 0) {
        this.retryLater(targetId, state, waitMs);
        return;
      }
      if (this.shared !== undefined) {
        this.admitShared(this.shared, targetId, state);
        return;
      }
      state.tokens -= 1;
      this.grant(targetId, state, undefined);
    }
  }

  /** Hands the first waiter a slot; `sharedRelease` also frees its slot across processes. */
  private grant(
    targetId: string,
    state: TargetState,
    sharedRelease: (() => Promise<void>) | undefined,
  ): void {
    const waiter = state.queue.shift();
    if (waiter === undefined) {
      // It gave up while the shared slot was asked for: nobody holds the slot.
      sharedRelease?.().catch(() => undefined);
      return;
    }
    this.detach(waiter);
    state.active += 1;
    let released = false;
    waiter.resolve(() => {
      if (released) return;
      released = true;
      state.active -= 1;
      // A lost release only keeps the slot until its lease ends.
      sharedRelease?.().catch(() => undefined);
      this.pump(targetId, state);
    });
  }

  /** Asks the shared limits for a slot for the first waiter; on a refusal, asks again when told. */
  private admitShared(shared: SharedTargetLimits, targetId: string, state: TargetState): void {
    if (state.admitting) return;
    state.admitting = true;
    const { concurrency, ratePerSecond, burst, slotLeaseMs } = state.limits;
    shared.acquire(targetId, { concurrency, ratePerSecond, burst, leaseMs: slotLeaseMs }).then(
      (answer) => {
        state.admitting = false;
        if (this.closed) {
          if (answer.granted) answer.release().catch(() => undefined);
          return;
        }
        if (answer.granted && Date.now() < state.pausedUntil) {
          // A 429 here paused the target while the slot was asked for: not now after all.
          answer.release().catch(() => undefined);
          this.retryLater(targetId, state, state.pausedUntil - Date.now());
          return;
        }
        if (answer.granted) {
          this.grant(targetId, state, answer.release);
          this.pump(targetId, state);
          return;
        }
        if (answer.reason === 'paused') {
          state.pausedUntil = Math.max(state.pausedUntil, Date.now() + answer.retryInMs);
        }
        this.retryLater(targetId, state, Math.max(1, answer.retryInMs));
      },
      (error: unknown) => {
        state.admitting = false;
        const waiter = state.queue.shift();
        if (waiter !== undefined) {
          this.detach(waiter);
          const detail = error instanceof Error ? error.message : String(error);
          waiter.reject(
            new SharedLimitsUnavailableError(`the shared target limits did not answer: ${detail}`),
          );
        }
        this.pump(targetId, state);
      },
    );
  }

  private retryLater(targetId: string, state: TargetState, waitMs: number): void {
    if (state.timer !== undefined) clearTimeout(state.timer);
    // A longer timeout would fire at once (Node's timers hold 2^31 - 1 ms): wake and look again.
    state.timer = setTimeout(
      () => {
        state.timer = undefined;
        this.pump(targetId, state);
      },
      Math.min(waitMs, MAX_TIMER_MS),
    );
  }

  private refill(state: TargetState, now: number): void {
    const elapsed = Math.max(0, now - state.refilledAt);
    state.tokens = Math.min(state.limits.burst, state.tokens + (elapsed * state.limits.ratePerSecond) / 1000);
    state.refilledAt = now;
  }

  private detach(waiter: Waiter): void {
    if (waiter.signal !== undefined && waiter.onAbort !== undefined) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
    }
  }
}

function withDefaults(limits: TargetLimits): Required<TargetLimits> {
  return {
    concurrency: limits.concurrency,
    ratePerSecond: limits.ratePerSecond,
    burst: limits.burst ?? 1,
    slotLeaseMs: limits.slotLeaseMs ?? DEFAULT_SLOT_LEASE_MS,
  };
}

function checkLimits(limits: TargetLimits): void {
  if (!Number.isInteger(limits.concurrency) || limits.concurrency < 1) {
    throw new RangeError('concurrency must be an integer >= 1');
  }
  if (!(limits.ratePerSecond > 0) || !Number.isFinite(limits.ratePerSecond)) {
    throw new RangeError('ratePerSecond must be a positive number');
  }
  if (limits.burst !== undefined && (!Number.isInteger(limits.burst) || limits.burst < 1)) {
    throw new RangeError('burst must be an integer >= 1');
  }
  if (limits.slotLeaseMs !== undefined && (!Number.isInteger(limits.slotLeaseMs) || limits.slotLeaseMs < 1)) {
    throw new RangeError('slotLeaseMs must be an integer >= 1');
  }
}
