import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readTestPem } from '../signing/signing.test-kit';
import { importRsaPrivateKey, importRsaPublicKey, KeyMaterialError, rsaModulusBits } from './rsa-key';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof KeyMaterialError ? `${error.code}: ${error.message}` : `other: ${String(error)}`;
  }
}

describe('importRsaPublicKey', () => {
  it('imports a 2048-bit RSA SPKI PEM and caches it', () => {
    const pem = readTestPem('test-issuer-rsa2048', 'public');
    const key = importRsaPublicKey(pem);
    expect(rsaModulusBits(key)).toBe(2048);
    expect(importRsaPublicKey(pem)).toBe(key);
  });

  it('imports a PKCS#1 RSA public key too', () => {
    const pkcs1 = createPublicKey(readTestPem('test-other-rsa2048', 'public')).export({
      type: 'pkcs1',
      format: 'pem',
    });
    expect(rsaModulusBits(importRsaPublicKey(pkcs1.toString()))).toBe(2048);
  });

  it('refuses a 1024-bit key, saying the size and the minimum', () => {
    expect(codeOf(() => importRsaPublicKey(readTestPem('test-weak-rsa1024', 'public')))).toBe(
      'too-short: the public RSA key has a 1024-bit modulus; at least 2048 bits are required',
    );
  });

  it('refuses an EC key', () => {
    expect(codeOf(() => importRsaPublicKey(readTestPem('test-ec-p256', 'public')))).toBe(
      'not-rsa: the public key is ec, but RS256 needs an RSA key',
    );
  });

  it('refuses a private key published as publicKeyPem', () => {
    expect(codeOf(() => importRsaPublicKey(readTestPem('test-issuer-rsa2048', 'private')))).toBe(
      'private-key-published: publicKeyPem contains a PRIVATE key',
    );
  });

  it.each([
    ['garbage', 'not a key'],
    ['empty', ''],
    ['a broken PEM', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'],
    ['a huge string', 'A'.repeat(100_000)],
  ])('refuses %s as unparseable', (_name, pem) => {
    expect(codeOf(() => importRsaPublicKey(pem))).toBe('unparseable: publicKeyPem is not a PEM public key');
  });
});

describe('importRsaPrivateKey', () => {
  it('imports a PEM and a KeyObject', () => {
    const pem = readTestPem('test-issuer-rsa2048', 'private');
    expect(importRsaPrivateKey(pem).type).toBe('private');
    const keyObject = createPrivateKey(pem);
    expect(importRsaPrivateKey(keyObject)).toBe(keyObject);
  });

  it('refuses a 1024-bit signing key', () => {
    expect(codeOf(() => importRsaPrivateKey(readTestPem('test-weak-rsa1024', 'private')))).toBe(
      'too-short: the signing RSA key has a 1024-bit modulus; at least 2048 bits are required',
    );
  });

  it('refuses a public key as signing key', () => {
    expect(
      codeOf(() => importRsaPrivateKey(createPublicKey(readTestPem('test-issuer-rsa2048', 'public')))),
    ).toBe('unparseable: the signing key is a public key, not a private key');
  });

  it('refuses text that is not a private key PEM', () => {
    expect(codeOf(() => importRsaPrivateKey(readTestPem('test-issuer-rsa2048', 'public')))).toBe(
      'unparseable: the signing key is not a PEM private key',
    );
  });
});
