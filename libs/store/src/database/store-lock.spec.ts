import { StoreLock } from './store-lock';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('StoreLock', () => {
  it('runs work one at a time, in arrival order', async () => {
    const lock = new StoreLock();
    const events: string[] = [];
    const job = (name: string) => async (): Promise<string> => {
      events.push(`${name}:start`);
      await tick();
      events.push(`${name}:end`);
      return name;
    };
    expect(await Promise.all([lock.run(job('a')), lock.run(job('b')), lock.run(job('c'))])).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('keeps going after a failure', async () => {
    const lock = new StoreLock();
    await expect(lock.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('lets work that holds the lock take it again instead of waiting for itself', async () => {
    const lock = new StoreLock();
    const result = await lock.run(async () => {
      await tick();
      return lock.run(() => Promise.resolve('nested'));
    });
    expect(result).toBe('nested');
  });
});
