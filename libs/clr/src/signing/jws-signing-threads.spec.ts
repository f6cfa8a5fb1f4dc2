import { createPublicKey, type KeyObject, sign } from 'node:crypto';
import { JwsSigningThreads } from './jws-signing-threads';
import { testPrivateKey } from './signing.test-kit';

/** The compact JWS made on the calling thread, step by step. */
function expectedJws(header: string, json: string, key: KeyObject): string {
  const input = `${header}.${Buffer.from(json, 'utf8').toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

const HEADER = Buffer.from('{"alg":"RS256","kid":"k","typ":"JWT"}').toString('base64url');

describe('JwsSigningThreads', () => {
  const issuer = testPrivateKey('test-issuer-rsa2048');
  const other = testPrivateKey('test-other-rsa2048');

  it('makes the same compact JWS as encoding and crypto.sign here, with several keys on several threads', async () => {
    const threads = new JwsSigningThreads(2);
    const payloads = [
      '{}',
      JSON.stringify({ name: 'Thảo – 学习 – \u{1F393}', lone: '\ud800', quote: '"\\' }),
      JSON.stringify({ list: Array.from({ length: 20_000 }, (_, i) => `item ${i} é`) }), // grows the scratch buffers
      'x'.repeat(70_000),
      JSON.stringify({ small: true }),
      '{"raw":"\ud800 lone surrogate, not escaped"}',
    ];
    const keys = payloads.map((_, i) => (i % 2 === 0 ? issuer : other));
    // Asked for in two ticks: two messages, spread over the two threads.
    const first = payloads.slice(0, 3).map((json, i) => threads.sign(HEADER, json, keys[i]));
    await Promise.resolve();
    const second = payloads.slice(3).map((json, i) => threads.sign(HEADER, json, keys[i + 3]));
    const signed = await Promise.all([...first, ...second]);
    signed.forEach((jws, i) => expect(jws).toBe(expectedJws(HEADER, payloads[i], keys[i])));
  });

  it("rejects a job with the signing thread's error and still signs the others of its message", async () => {
    const threads = new JwsSigningThreads(1);
    const publicOnly = createPublicKey(issuer);
    const results = await Promise.allSettled([
      threads.sign(HEADER, '{"a":1}', issuer),
      threads.sign(HEADER, '{"b":2}', publicOnly),
      threads.sign(HEADER, '{"c":3}', issuer),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failure = (results[1] as PromiseRejectedResult).reason as Error & { code?: string };
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toMatch(/key object type public/i);
    expect(failure.code).toBe('ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE');
    await expect(threads.sign(HEADER, '{"d":4}', issuer)).resolves.toBe(
      expectedJws(HEADER, '{"d":4}', issuer),
    );
  });

  it.each([0, 1.5, 65, Number.NaN])('refuses %p threads', (count) => {
    expect(() => new JwsSigningThreads(count)).toThrow(
      `the signing thread count must be an integer from 1 to 64, not ${String(count)}`,
    );
  });
});
