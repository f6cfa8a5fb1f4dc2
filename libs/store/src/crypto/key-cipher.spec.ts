import { randomBytes } from 'node:crypto';
import { KeyCipher, KeyCipherError } from './key-cipher';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

function failure(run: () => unknown): KeyCipherError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyCipherError);
    return error as KeyCipherError;
  }
  throw new Error('expected a KeyCipherError');
}

describe('KeyCipher', () => {
  const key = randomBytes(32);
  const cipher = new KeyCipher(key);

  it('round-trips text (including non-ASCII) under the same key and context', () => {
    const envelope = cipher.encrypt(PEM, 'signing-key:k1');
    expect(cipher.decrypt(envelope, 'signing-key:k1')).toBe(PEM);
    expect(new KeyCipher(Buffer.from(key)).decrypt(cipher.encrypt('sécret ✓', 'c'), 'c')).toBe('sécret ✓');
  });

  it('writes a v1 envelope with a fresh salt and IV each time, never the plaintext', () => {
    const first = cipher.encrypt(PEM, 'c');
    const second = cipher.encrypt(PEM, 'c');
    expect(first).not.toBe(second);
    const [version, salt, iv, tag] = first.split('.');
    expect(version).toBe('v1');
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(first).not.toContain('PRIVATE KEY');
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
  });

  it('refuses to decrypt under another master key, with a clear error instead of garbage', () => {
    const envelope = cipher.encrypt(PEM, 'signing-key:k1');
    const error = failure(() => new KeyCipher(randomBytes(32)).decrypt(envelope, 'signing-key:k1'));
    expect(error.code).toBe('WRONG_MASTER_KEY');
    expect(error.message).toMatch(/signing-key:k1: the master key differs/);
    expect(error.message).not.toContain('PRIVATE');
  });

  it('refuses a ciphertext moved to another row (context is authenticated)', () => {
    const envelope = cipher.encrypt(PEM, 'signing-key:k1');
    expect(failure(() => cipher.decrypt(envelope, 'signing-key:k2')).code).toBe('WRONG_MASTER_KEY');
  });

  it('detects a tampered ciphertext or tag', () => {
    const parts = cipher.encrypt(PEM, 'c').split('.');
    const flip = (text: string): string => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[0] ^= 1;
      return bytes.toString('base64url');
    };
    expect(failure(() => cipher.decrypt([...parts.slice(0, 4), flip(parts[4])].join('.'), 'c')).code).toBe(
      'WRONG_MASTER_KEY',
    );
    expect(
      failure(() => cipher.decrypt([...parts.slice(0, 3), flip(parts[3]), parts[4]].join('.'), 'c')).code,
    ).toBe('WRONG_MASTER_KEY');
  });

  it('names a malformed envelope as such', () => {
    expect(failure(() => cipher.decrypt('not-an-envelope', 'signing-key:k1')).message).toMatch(
      /signing-key:k1 is not a v1 envelope/,
    );
    expect(failure(() => cipher.decrypt('v2.a.b.c.d', 'c')).code).toBe('MALFORMED_CIPHERTEXT');
    expect(failure(() => cipher.decrypt('v1.AAAA.AAAA.AAAA.AAAA', 'c')).message).toMatch(/damaged header/);
  });

  it('accepts only a 32-byte master key that is not one repeated byte', () => {
    expect(failure(() => new KeyCipher(randomBytes(16))).message).toMatch(/exactly 32 bytes \(got 16\)/);
    expect(failure(() => new KeyCipher('x'.repeat(32) as unknown as Buffer)).code).toBe('INVALID_MASTER_KEY');
    expect(failure(() => new KeyCipher(Buffer.alloc(32))).message).toMatch(/repeated byte/);
  });
});
