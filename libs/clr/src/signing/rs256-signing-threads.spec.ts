import { createPublicKey, randomBytes, sign } from 'node:crypto';
import { Rs256SigningThreads } from './rs256-signing-threads';
import { testPrivateKey } from './signing.test-kit';

describe('Rs256SigningThreads', () => {
  const issuer = testPrivateKey('test-issuer-rsa2048');
  const other = testPrivateKey('test-other-rsa2048');

  it("signs exactly as crypto.sign('sha256') does, with several keys on several threads", async () => {
    const threads = new Rs256SigningThreads(2);
    const inputs = [0, 1, 100, 4095, 4096, 9000, 400_000].flatMap((size) => [
      randomBytes(size),
      randomBytes(size),
    ]);
    const expected = inputs.map((input, i) => sign('sha256', input, i % 2 === 0 ? issuer : other));
    // Asked for in two ticks: two batches, spread over the two threads.
    const first = inputs
      .slice(0, 7)
      .map((input, i) => threads.sign(Buffer.from(input), i % 2 === 0 ? issuer : other));
    await Promise.resolve();
    const second = inputs
      .slice(7)
      .map((input, i) => threads.sign(Buffer.from(input), (i + 7) % 2 === 0 ? issuer : other));
    const signatures = await Promise.all([...first, ...second]);
    signatures.forEach((signature, i) => expect(signature.equals(expected[i])).toBe(true));
  });

  it('moves an input that owns its whole buffer to the thread, and copies a view of a larger one', async () => {
    const threads = new Rs256SigningThreads(1);
    const owned = Buffer.from(new Uint8Array(5000).fill(7).buffer);
    const backing = Buffer.alloc(6000, 9);
    const view = backing.subarray(1000, 6000);
    const [a, b] = await Promise.all([threads.sign(owned, issuer), threads.sign(view, issuer)]);
    expect(owned.byteLength).toBe(0); // detached: it went to the signing thread
    expect(view.equals(Buffer.alloc(5000, 9))).toBe(true);
    expect(a.equals(sign('sha256', Buffer.alloc(5000, 7), issuer))).toBe(true);
    expect(b.equals(sign('sha256', Buffer.alloc(5000, 9), issuer))).toBe(true);
  });

  it("rejects a job with the signing thread's error and still signs the others of its batch", async () => {
    const threads = new Rs256SigningThreads(1);
    const publicOnly = createPublicKey(issuer);
    const results = await Promise.allSettled([
      threads.sign(Buffer.from('a'), issuer),
      threads.sign(Buffer.from('b'), publicOnly),
      threads.sign(Buffer.from('c'), issuer),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failure = (results[1] as PromiseRejectedResult).reason as Error & { code?: string };
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toMatch(/key object type public/i);
    expect(failure.code).toBe('ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE');
    await expect(threads.sign(Buffer.from('d'), issuer)).resolves.toEqual(
      sign('sha256', Buffer.from('d'), issuer),
    );
  });

  it.each([0, 1.5, 65, Number.NaN])('refuses %p threads', (count) => {
    expect(() => new Rs256SigningThreads(count)).toThrow(
      `the signing thread count must be an integer from 1 to 64, not ${String(count)}`,
    );
  });
});
