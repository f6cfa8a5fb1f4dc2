/** Limits for one target. */
export interface TargetLimits {
  /** Requests in flight at once. */
  concurrency: number;
  /** Sustained requests per second (token bucket refill rate). */
  ratePerSecond: number;
  /** Requests that may start back to back after a quiet spell (bucket size). Default 1. */
  burst?: number;
}

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
}

/** Thrown to a waiter when the limiter is closed or its signal aborts. */
export class LimiterAbortedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LimiterAbortedError';
  }
}

/**
 * Per-target concurrency and rate limits inside one worker process: a FIFO queue, a token
 * bucket (`ratePerSecond`, `burst`) and a cap on requests in flight, plus {@link pauseUntil}
 * to hold every request to a target that answered 429/503 with Retry-After.
 *
 * Why not BullMQ's limiter: it limits a whole queue (and `rateLimit()` pauses the whole
 * queue), while all targets share the deliver queue; per-group limits are BullMQ Pro only. So
 * the worker limits per target itself. The limits are per process: with N workers a target
 * sees up to N times the configured rate, which the configuration should account for.
 */
export class TargetRateLimiter {
  private readonly targets = new Map<string, TargetState>();
  private closed = false;

  /** @param defaults limits of targets without their own ({@link setLimits}). */
  constructor(private readonly defaults: TargetLimits) {
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

  /** Starts no request to the target before `epochMs` (a provider's Retry-After). */
  pauseUntil(targetId: string, epochMs: number): void {
    const state = this.state(targetId);
    if (epochMs > state.pausedUntil) state.pausedUntil = epochMs;
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
      this.refill(state, now);
      let waitMs = 0;
      if (now < state.pausedUntil) waitMs = state.pausedUntil - now;
      else if (state.tokens < 1) waitMs = Math.ceil(((1 - state.tokens) * 1000) / state.limits.ratePerSecond);
      if (waitMs > 0) {
        state.timer = setTimeout(() => {
          state.timer = undefined;
          this.pump(targetId, state);
        }, waitMs);
        return;
      }
      const waiter = state.queue.shift();
      if (waiter === undefined) return;
      this.detach(waiter);
      state.tokens -= 1;
      state.active += 1;
      let released = false;
      waiter.resolve(() => {
        if (released) return;
        released = true;
        state.active -= 1;
        this.pump(targetId, state);
      });
    }
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
  return { concurrency: limits.concurrency, ratePerSecond: limits.ratePerSecond, burst: limits.burst ?? 1 };
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
}
