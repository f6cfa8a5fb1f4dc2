import { redisConnectionOptions } from './redis-connection';

describe('redisConnectionOptions', () => {
  it('reads host, port, credentials, database and TLS from the URL', () => {
    expect(redisConnectionOptions('redis://127.0.0.1:6379')).toEqual({
      host: '127.0.0.1',
      port: 6379,
      maxRetriesPerRequest: null,
    });
    expect(redisConnectionOptions('rediss://user:p%40ss@cache.example:6380/2')).toEqual({
      host: 'cache.example',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 2,
      tls: {},
      maxRetriesPerRequest: null,
    });
    expect(redisConnectionOptions('redis://[::1]').host).toBe('::1');
  });

  it('refuses what is not a Redis URL, without echoing a password', () => {
    expect(() => redisConnectionOptions('http://x:secret@host')).toThrow(
      'the Redis URL must start with redis:// or rediss://, not http://',
    );
    expect(() => redisConnectionOptions('redis://x:secret@host/cache')).toThrow(
      `the Redis URL's path must be a database number, not "/cache"`,
    );
    expect(() => redisConnectionOptions('not a url')).toThrow('the Redis URL is not a URL');
  });
});
