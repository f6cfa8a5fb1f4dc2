import { describeWithService } from '@app/testing';
import { freePort } from './free-port';
import { RedisUnavailableError, ensureRedis, probeRedis, redisAddress } from './local-redis';

describe('the demo’s Redis', () => {
  it('names a Redis by host and port only, never its password', () => {
    expect(redisAddress('redis://user:s3cret@10.1.2.3:6380/2')).toBe('10.1.2.3:6380');
    expect(redisAddress('redis://127.0.0.1')).toBe('127.0.0.1:6379');
  });

  it('finds nothing at a free port, saying why', async () => {
    const port = await freePort('127.0.0.1');
    expect(await probeRedis(`redis://127.0.0.1:${port}`)).toEqual({
      state: 'down',
      reason: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('says what is missing and how to get it when nothing answers and there is no redis-server', async () => {
    const port = await freePort('127.0.0.1');
    const attempt = ensureRedis({ url: `redis://127.0.0.1:${port}`, executable: 'no-such-redis-server-e2e' });
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(
      `nothing answers at 127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}) and no redis-server is on the PATH; install Redis`,
    );
  });

  it('starts no server of its own for a Redis that is not on this machine', async () => {
    // 192.0.2.0/24 is TEST-NET-1: never routed, so the connection times out.
    const attempt = ensureRedis({
      url: 'redis://:pw@192.0.2.1:6379',
      executable: 'no-such-redis-server-e2e',
    });
    await expect(attempt).rejects.toThrow(
      /nothing answers at 192\.0\.2\.1:6379 .*set REDIS_URL to a Redis that answers/,
    );
    await expect(attempt).rejects.not.toThrow(/pw/);
  }, 10_000);
});

describeWithService('redis', 'the demo’s Redis (a Redis answers at 127.0.0.1:6379)', () => {
  it('uses the configured Redis when it answers, and leaves it running', async () => {
    const redis = await ensureRedis({
      url: 'redis://127.0.0.1:6379',
      executable: 'no-such-redis-server-e2e',
    });
    expect(redis).toMatchObject({ url: 'redis://127.0.0.1:6379', address: '127.0.0.1:6379', started: false });
    await redis.stop();
    expect(await probeRedis('redis://127.0.0.1:6379')).toEqual({ state: 'up' });
  });

  it('refuses a Redis that answers but turns us away, without echoing the password', async () => {
    const attempt = ensureRedis({ url: 'redis://:not-the-s3cret@127.0.0.1:6379' });
    await expect(attempt).rejects.toThrow(
      /^Redis at 127\.0\.0\.1:6379 answers but cannot be used \(ERR AUTH/,
    );
    await expect(attempt).rejects.not.toThrow(/not-the-s3cret/);
  });

  it('starts a private redis-server when nothing answers, and stops it', async () => {
    const port = await freePort('127.0.0.1');
    const redis = await ensureRedis({ url: `redis://127.0.0.1:${port}` });
    try {
      expect(redis.started).toBe(true);
      expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect(redis.url).not.toBe(`redis://127.0.0.1:${port}`);
      expect(await probeRedis(redis.url)).toEqual({ state: 'up' });
    } finally {
      await redis.stop();
    }
    expect((await probeRedis(redis.url)).state).toBe('down');
  });
});
