/** Redis did not answer in time (it is down or unreachable: its client waits for it for ever). */
export class RedisDeadlineError extends Error {
  override readonly name = 'RedisDeadlineError';
}

/**
 * `work`, or a {@link RedisDeadlineError} once `ms` have passed. BullMQ's connections queue
 * commands while Redis is away and never give up (`maxRetriesPerRequest: null`); an operator's
 * request must get an answer instead. What was sent may still reach Redis later: callers use
 * it where that is harmless (an idempotent job id, a lock that expires).
 */
export async function withRedisDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new RedisDeadlineError(`Redis did not answer within ${Math.ceil(ms / 1000)} s (${what})`)),
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
