import { type PostClrOutcome } from '../post-clr/post-clr-outcome';
import { decideAfterPost } from './delivery-decision';

const policy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 5000 };
const top = (): number => 0.999_999;
const retryable = (extra: Partial<PostClrOutcome> = {}): PostClrOutcome =>
  ({
    kind: 'retryable',
    reason: 'server_error',
    status: 503,
    error: 'HTTP 503 from provider',
    tokenRefreshed: false,
    ...extra,
  }) as PostClrOutcome;

describe('decideAfterPost', () => {
  it('keeps the status of a delivered CLR', () => {
    expect(
      decideAfterPost(
        { kind: 'delivered', status: 200, result: 'replaced', tokenRefreshed: false },
        1,
        policy,
      ),
    ).toEqual({ next: 'delivered', httpStatus: 200, result: 'replaced' });
  });

  it('retries after a doubling, capped, jittered delay while attempts remain', () => {
    expect(decideAfterPost(retryable(), 1, policy, top)).toMatchObject({ next: 'retrying', delayMs: 1000 });
    expect(decideAfterPost(retryable(), 2, policy, top)).toMatchObject({ next: 'retrying', delayMs: 2000 });
    expect(decideAfterPost(retryable(), 2, policy, () => 0)).toMatchObject({ next: 'retrying', delayMs: 0 });
    expect(decideAfterPost(retryable(), 2, { ...policy, maxAttempts: 10 }, top)).toMatchObject({
      delayMs: 2000,
    });
    expect(decideAfterPost(retryable(), 9, { ...policy, maxAttempts: 10 }, top)).toMatchObject({
      delayMs: 5000,
    });
  });

  it('waits at least as long as Retry-After, even beyond maxDelayMs', () => {
    expect(decideAfterPost(retryable({ retryAfterSeconds: 30 }), 1, policy, () => 0)).toMatchObject({
      next: 'retrying',
      delayMs: 30_000,
    });
  });

  it('is dead once the last attempt failed, keeping the last error, status and body', () => {
    expect(decideAfterPost(retryable({ imsxBody: '{"imsx_codeMajor":"failure"}' }), 3, policy)).toEqual({
      next: 'dead',
      reason: 'server_error',
      httpStatus: 503,
      imsxBody: '{"imsx_codeMajor":"failure"}',
      error: 'HTTP 503 from provider; gave up after 3 attempt(s)',
    });
  });

  it('rejects for good with the provider status and imsx body, whatever the attempts left', () => {
    expect(
      decideAfterPost(
        {
          kind: 'rejected',
          reason: 'invalid_data',
          status: 400,
          error: 'HTTP 400 from provider (failure/error [invalid_data])',
          imsxBody: '{"imsx_codeMajor":"failure"}',
          tokenRefreshed: false,
        },
        1,
        policy,
      ),
    ).toEqual({
      next: 'rejected',
      reason: 'invalid_data',
      httpStatus: 400,
      imsxBody: '{"imsx_codeMajor":"failure"}',
      error: 'HTTP 400 from provider (failure/error [invalid_data])',
    });
  });

  it('retries a transport failure without a status', () => {
    const decision = decideAfterPost(
      { kind: 'retryable', reason: 'timeout', error: 'postClr: timed out', tokenRefreshed: false },
      1,
      policy,
    );
    expect(decision).toMatchObject({ next: 'retrying', reason: 'timeout' });
    expect(decision).not.toHaveProperty('httpStatus');
  });
});
