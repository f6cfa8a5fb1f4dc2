import { createPublicKey, createPrivateKey } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { readTestPem } from '../signing/signing.test-kit';
import { KeyMaterialError, rsaModulusBits } from './rsa-key';
import { createSigner, generateSigningKey } from './signer';

const init = {
  keyUrl: 'https://clr.example.edu/keys/k1',
  ownerId: 'https://clr.example.edu/profiles/institution',
  revocationListUrl: 'https://clr.example.edu/revocations/k1',
};

describe('generateSigningKey', () => {
  it('makes an RSA-2048 pair whose kid is the RFC 7638 thumbprint of the public key', async () => {
    const generated = await generateSigningKey();
    const publicKey = createPublicKey(generated.publicKeyPem);
    expect(rsaModulusBits(publicKey)).toBe(2048);
    expect(rsaModulusBits(createPrivateKey(generated.privateKeyPem))).toBe(2048);
    expect(generated.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(generated.kid).toBe(await calculateJwkThumbprint(publicKey.export({ format: 'jwk' })));
  });

  it('refuses to generate a key below 2048 bits', async () => {
    await expect(generateSigningKey({ modulusLength: 1024 })).rejects.toThrow(
      new KeyMaterialError('too-short', 'modulusLength 1024 is below the minimum of 2048 bits'),
    );
  });
});

describe('createSigner', () => {
  it('imports the key once and derives the public PEM and the thumbprint kid', async () => {
    const signer = await createSigner({ ...init, privateKey: readTestPem('test-issuer-rsa2048', 'private') });
    expect(signer.privateKey.type).toBe('private');
    expect(
      createPublicKey(signer.publicKeyPem).equals(
        createPublicKey(readTestPem('test-issuer-rsa2048', 'public')),
      ),
    ).toBe(true);
    expect(signer.kid).toBe(
      await calculateJwkThumbprint(createPublicKey(signer.publicKeyPem).export({ format: 'jwk' })),
    );
    expect(Object.isFrozen(signer)).toBe(true);
  });

  it('keeps an explicit kid', async () => {
    const signer = await createSigner({
      ...init,
      kid: 'k1',
      privateKey: readTestPem('test-issuer-rsa2048', 'private'),
    });
    expect(signer.kid).toBe('k1');
  });

  it('refuses a 1024-bit key', async () => {
    await expect(
      createSigner({ ...init, privateKey: readTestPem('test-weak-rsa1024', 'private') }),
    ).rejects.toThrow('at least 2048 bits are required');
  });

  it.each([
    ['keyUrl', { keyUrl: 'keys/k1' }, 'keyUrl must be an absolute URL'],
    ['revocationListUrl', { revocationListUrl: '' }, 'revocationListUrl must be an absolute URL'],
    ['ownerId', { ownerId: ' ' }, 'ownerId must be the id of the Profile that owns the key'],
  ])('refuses a bad %s', async (_name, override, message) => {
    await expect(
      createSigner({ ...init, ...override, privateKey: readTestPem('test-issuer-rsa2048', 'private') }),
    ).rejects.toThrow(new TypeError(message));
  });
});
