import { randomUUID } from 'node:crypto';

/** A target's limits as every worker process together must keep them. */
export interface SharedLimits {
  concurrency: number;
  ratePerSecond: number;
  burst: number;
  /**
   * How long a slot stays taken without news from its holder: a live holder renews it every
   * third of this, so only a process that died (or lost Redis) frees its slot this late.
   */
  leaseMs: number;
}

/** A slot granted across processes; release it once when the request is done. */
export interface SharedSlot {
  granted: true;
  release: () => Promise<void>;
}

/** Not now: why, and how long to wait before asking again. */
export interface SharedRefusal {
  granted: false;
  /** `paused`: a provider's Retry-After; `rate`: the rate is spent; `busy`: every slot is taken. */
  reason: 'paused' | 'rate' | 'busy';
  retryInMs: number;
}

/**
 * Per-target limits shared by every worker process of a deployment (the in-process
 * `TargetRateLimiter` asks it before starting a request).
 */
export interface SharedTargetLimits {
  acquire(targetId: string, limits: SharedLimits): Promise<SharedSlot | SharedRefusal>;
  /** No process starts a request to the target for the next `ms` (a provider's Retry-After). */
  pause(targetId: string, ms: number): Promise<void>;
}

/** The one Redis command it needs (an ioredis client, or BullMQ's). */
export interface SharedLimitsRedis {
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** How long a process waits before asking again for a slot when all are taken. */
export const BUSY_RETRY_MS = 25;

/** How long a process that stopped asking keeps its place in a busy target's line. */
const LINE_MS = 8 * BUSY_RETRY_MS;

/** Redis's clock in ms, to the microsecond (processes on different hosts agree on it). */
const NOW = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
`;

/*
 * The lease set (`leases`) lives as long as its latest lease: a shorter lease never cuts an older
 * one short.
 */
const KEEP_LEASES = `
local latest = redis.call('ZRANGE', leases, -1, -1, 'WITHSCORES')
if latest[2] then redis.call('PEXPIRE', leases, math.ceil(tonumber(latest[2]) - now) + 1000) end
`;

/*
 * KEYS: pause, active (slot tokens by lease end), tat (the rate's theoretical arrival time), line
 * (processes waiting for a slot, by when they were first refused), seen (the same processes, by
 * when they last asked). ARGV: token, concurrency, ratePerSecond, burst, leaseMs, the asking
 * process.
 * Idempotent on the token: a script that ran but whose answer was lost (ioredis sends it again
 * after a reconnect) grants the same slot again instead of leaving it taken by nobody.
 * Slots: a process refused for want of one joins the line; free slots go to the line's first
 * processes, in order, and a process not in it only gets one no one in the line is owed. So a
 * process with a backlog, which asks again the moment it releases a slot, cannot keep a busy
 * target's slots from the others. A process that stopped asking leaves the line after LINE_MS.
 * Rate: GCRA; each request moves the arrival time on by 1/rate, and one may start while it is at
 * most `burst - 1` intervals ahead of now.
 * Returns {0, 0} granted, {1, ms} paused, {2, ms} rate spent, {3, 0} no slot free for it.
 */
const ACQUIRE = `${NOW}
local pause, leases, tat_key, line, seen = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local token, me = ARGV[1], ARGV[6]
if redis.call('ZSCORE', leases, token) then return {0, 0} end
local paused = redis.call('PTTL', pause)
if paused > 0 then return {1, paused} end
redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', seen, '-inf', now - ${LINE_MS})) do
  redis.call('ZREM', line, gone)
  redis.call('ZREM', seen, gone)
end
local free = tonumber(ARGV[2]) - redis.call('ZCARD', leases)
local ahead = redis.call('ZRANK', line, me) or redis.call('ZCARD', line)
if ahead >= free then
  redis.call('ZADD', line, 'NX', now, me)
  redis.call('ZADD', seen, now, me)
  redis.call('PEXPIRE', line, ${LINE_MS + 1000})
  redis.call('PEXPIRE', seen, ${LINE_MS + 1000})
  return {3, 0}
end
local interval = 1000 / tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', tat_key) or '0')
if tat < now then tat = now end
local wait = tat - now - (tonumber(ARGV[4]) - 1) * interval
if wait > 0 then
  redis.call('ZADD', seen, 'XX', now, me)
  return {2, math.ceil(wait)}
end
tat = tat + interval
redis.call('SET', tat_key, string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000)
redis.call('ZADD', leases, now + tonumber(ARGV[5]), token)
redis.call('ZREM', line, me)
redis.call('ZREM', seen, me)
${KEEP_LEASES}
return {0, 0}
`;

/* KEYS: active. ARGV: token, leaseMs. Renews a slot still held (one that lapsed stays gone). */
const RENEW = `${NOW}
local leases = KEYS[1]
if redis.call('ZADD', leases, 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1]) == 1 then
  ${KEEP_LEASES}
end
return 0
`;

/* KEYS: pause. ARGV: ms. Lengthens the pause, never shortens it. */
const PAUSE = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 0
`;

const REASONS = { 1: 'paused', 2: 'rate', 3: 'busy' } as const;

/**
 * {@link SharedTargetLimits} in Redis: a target's slots in flight are a sorted set of leases
 * (renewed while held), its rate a GCRA arrival time, its pause a key that expires, each changed
 * by one script so two processes never both take the last slot or token. Keys are
 * `{prefix}:target-limits:{id}:*` (one hash slot per target).
 */
export class RedisSharedTargetLimits implements SharedTargetLimits {
  /** This process, for its place in a busy target's line. */
  private readonly processId = randomUUID();

  constructor(
    private readonly redis: () => Promise<SharedLimitsRedis>,
    private readonly prefix: string,
  ) {}

  async acquire(targetId: string, limits: SharedLimits): Promise<SharedSlot | SharedRefusal> {
    const redis = await this.redis();
    const keys = this.keys(targetId);
    const token = randomUUID();
    const answer = await redis.eval(
      ACQUIRE,
      5,
      keys.pause,
      keys.active,
      keys.tat,
      keys.line,
      keys.seen,
      token,
      limits.concurrency,
      limits.ratePerSecond,
      limits.burst,
      limits.leaseMs,
      this.processId,
    );
    const [code, ms] = Array.isArray(answer) ? answer.map(Number) : [Number.NaN, 0];
    if (code === 0) return this.slot(redis, keys.active, token, limits.leaseMs);
    if (code === 1 || code === 2 || code === 3) {
      return { granted: false, reason: REASONS[code], retryInMs: code === 3 ? BUSY_RETRY_MS : ms };
    }
    throw new Error(`unexpected answer from the target limits script: ${JSON.stringify(answer)}`);
  }

  async pause(targetId: string, ms: number): Promise<void> {
    if (!(ms > 0)) return;
    const redis = await this.redis();
    await redis.eval(PAUSE, 1, this.keys(targetId).pause, Math.ceil(ms));
  }

  /** A granted slot, its lease renewed every third of it until released. */
  private slot(redis: SharedLimitsRedis, active: string, token: string, leaseMs: number): SharedSlot {
    // A failed renewal is tried again at the next; the lease only lapses if all of them fail.
    const renewal = setInterval(
      () => {
        redis.eval(RENEW, 1, active, token, leaseMs).catch(() => undefined);
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    renewal.unref();
    return {
      granted: true,
      release: async () => {
        clearInterval(renewal);
        await redis.eval("return redis.call('ZREM', KEYS[1], ARGV[1])", 1, active, token);
      },
    };
  }

  private keys(targetId: string): { pause: string; active: string; tat: string; line: string; seen: string } {
    const base = `${this.prefix}:target-limits:{${targetId}}`;
    return {
      pause: `${base}:pause`,
      active: `${base}:active`,
      tat: `${base}:tat`,
      line: `${base}:line`,
      seen: `${base}:line-seen`,
    };
  }
}
