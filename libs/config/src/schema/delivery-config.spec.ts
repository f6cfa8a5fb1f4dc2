import { deliverySchema } from './publisher-config.schema';
import { schemaIssues } from './schema-issues.test-kit';

const target = {
  name: 'wallet',
  baseUrl: 'https://wallet.example.org',
  auth: { type: 'clientCredentials', clientId: 'id', clientSecret: 'secret' },
};

const issues = (input: unknown): string[] => schemaIssues(deliverySchema, input);

describe('delivery configuration: retry, staleness, sweeping', () => {
  it('defaults to 8 attempts, 2 s doubling up to 10 min, stale after 5 min, sweeping every 30 s', () => {
    const delivery = deliverySchema.parse({});
    expect(delivery.retry).toEqual({ maxAttempts: 8, baseDelayMs: 2000, maxDelayMs: 600_000 });
    expect(delivery.staleAfterSeconds).toBe(300);
    expect(delivery.sweepIntervalSeconds).toBe(30);
    expect(delivery.workerConcurrency).toBeUndefined();
  });

  it('takes numbers from environment strings', () => {
    const delivery = deliverySchema.parse({
      retry: { maxAttempts: '3', baseDelayMs: '10', maxDelayMs: '50' },
      staleAfterSeconds: '60',
      workerConcurrency: '4',
    });
    expect(delivery.retry).toEqual({ maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 });
    expect(delivery.staleAfterSeconds).toBe(60);
    expect(delivery.workerConcurrency).toBe(4);
  });

  it('refuses bad values, naming each key', () => {
    expect(issues({ retry: { maxAttempts: 0, baseDelayMs: -1 } })).toEqual([
      'retry.maxAttempts: Number must be greater than or equal to 1',
      'retry.baseDelayMs: Number must be greater than or equal to 0',
    ]);
    expect(issues({ retry: { baseDelayMs: 5000, maxDelayMs: 1000 } })).toEqual([
      'retry.maxDelayMs: maxDelayMs must not be below baseDelayMs',
    ]);
    expect(issues({ retry: { tries: 3 } })).toEqual(["retry: Unrecognized key(s) in object: 'tries'"]);
    expect(issues({ staleAfterSeconds: 5 })).toEqual([
      'staleAfterSeconds: Number must be greater than or equal to 10',
    ]);
  });

  it('refuses a staleness that a slow post of a target could outlast', () => {
    expect(issues({ targets: [{ ...target, timeoutMs: 30_000 }], staleAfterSeconds: 60 })).toEqual([
      'staleAfterSeconds: must exceed twice the timeoutMs of target "wallet" (60 s), or a slow post would be claimed twice',
    ]);
    expect(issues({ targets: [{ ...target, timeoutMs: 30_000 }], staleAfterSeconds: 61 })).toEqual([]);
  });
});
