import { backoffDelay } from './backoff';
import { parseRetryAfter } from './retry-after';

const policy = { baseMs: 1000, maxMs: 60_000, jitter: 'none' as const };

describe('backoffDelay', () => {
  it('doubles from baseMs and stops at maxMs without jitter', () => {
    expect([1, 2, 3, 4, 6, 7, 8, 50, 5000].map((attempt) => backoffDelay(attempt, policy))).toEqual([
      1000, 2000, 4000, 8000, 32_000, 60_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('full jitter spreads uniformly over [0, computed]', () => {
    const full = { ...policy, jitter: 'full' as const };
    expect(backoffDelay(3, full, undefined, () => 0)).toBe(0);
    expect(backoffDelay(3, full, undefined, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, full, undefined, () => 0.999_999)).toBe(4000);
  });

  it('equal jitter keeps at least half the computed delay', () => {
    const equal = { ...policy, jitter: 'equal' as const };
    expect(backoffDelay(3, equal, undefined, () => 0)).toBe(2000);
    expect(backoffDelay(3, equal, undefined, () => 0.999_999)).toBe(4000);
  });

  it('waits at least as long as Retry-After, even beyond maxMs', () => {
    expect(backoffDelay(1, { ...policy, jitter: 'full' }, 30, () => 0)).toBe(30_000);
    expect(backoffDelay(1, policy, 120)).toBe(120_000);
    // A computed delay longer than Retry-After stands.
    expect(backoffDelay(6, policy, 1)).toBe(32_000);
    expect(backoffDelay(2, policy, 0)).toBe(2000);
  });

  it('cuts an absurd Retry-After to maxRetryAfterMs', () => {
    expect(backoffDelay(1, { ...policy, maxRetryAfterMs: 3_600_000 }, 10 ** 9)).toBe(3_600_000);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attempt %p', (attempt) => {
    expect(() => backoffDelay(attempt, policy)).toThrow(RangeError);
  });

  it('refuses a policy with maxMs below baseMs', () => {
    expect(() => backoffDelay(1, { baseMs: 10, maxMs: 5, jitter: 'none' })).toThrow('0 <= baseMs <= maxMs');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it.each([
    ['120', 120],
    [' 0 ', 0],
    ['Wed, 01 Jan 2025 00:01:30 GMT', 90],
    ['Tue, 31 Dec 2024 23:00:00 GMT', 0],
    ['Wednesday, 01-Jan-25 00:00:10 GMT', 10],
  ])('reads %p as %p seconds', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });

  it.each([null, undefined, '', '-5', '1.5', 'soon', '2025-01-01T00:01:00Z'])('ignores %p', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
