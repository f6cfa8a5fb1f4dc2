import { CLR_CONTEXT_URL } from '../model';
import { readTestPem } from '../signing/signing.test-kit';
import { buildCryptographicKey, buildEmbeddedCryptographicKey, buildRevocationList } from './key-documents';

const keyInput = {
  keyUrl: 'https://clr.example.edu/keys/k1',
  ownerId: 'https://clr.example.edu/profiles/institution',
  publicKeyPem: readTestPem('test-issuer-rsa2048', 'public'),
};

describe('buildCryptographicKey', () => {
  it('builds the hosted key document with @context', () => {
    expect(buildCryptographicKey(keyInput)).toEqual({
      '@context': CLR_CONTEXT_URL,
      id: keyInput.keyUrl,
      type: 'CryptographicKey',
      owner: keyInput.ownerId,
      publicKeyPem: keyInput.publicKeyPem,
    });
  });

  it('builds the embedded form without @context', () => {
    expect(buildEmbeddedCryptographicKey(keyInput)).not.toHaveProperty('@context');
  });

  it('refuses to publish a key below 2048 bits', () => {
    expect(() =>
      buildCryptographicKey({ ...keyInput, publicKeyPem: readTestPem('test-weak-rsa1024', 'public') }),
    ).toThrow('has a 1024-bit modulus');
  });

  it('refuses to publish a private key', () => {
    expect(() =>
      buildCryptographicKey({ ...keyInput, publicKeyPem: readTestPem('test-issuer-rsa2048', 'private') }),
    ).toThrow('publicKeyPem contains a PRIVATE key');
  });

  it('refuses a relative key URL and an empty owner', () => {
    expect(() => buildCryptographicKey({ ...keyInput, keyUrl: '/keys/k1' })).toThrow(
      'keyUrl must be an absolute URL',
    );
    expect(() => buildCryptographicKey({ ...keyInput, ownerId: '' })).toThrow(
      'ownerId must be the id of the owning Profile',
    );
  });
});

describe('buildRevocationList', () => {
  it('builds the list with @context, ids de-duplicated and sorted', () => {
    expect(
      buildRevocationList({
        url: 'https://clr.example.edu/revocations/k1',
        issuerId: keyInput.ownerId,
        revokedIds: ['urn:b', 'urn:a', 'urn:b'],
      }),
    ).toEqual({
      '@context': CLR_CONTEXT_URL,
      id: 'https://clr.example.edu/revocations/k1',
      type: 'RevocationList',
      issuer: keyInput.ownerId,
      revokedAssertions: ['urn:a', 'urn:b'],
    });
  });

  it('builds an empty list', () => {
    expect(
      buildRevocationList({ url: 'https://x.example/r', issuerId: 'urn:i', revokedIds: [] })
        .revokedAssertions,
    ).toEqual([]);
  });

  it('refuses a relative URL, an empty issuer and an empty id', () => {
    expect(() => buildRevocationList({ url: 'r/1', issuerId: 'urn:i', revokedIds: [] })).toThrow(
      'url must be an absolute URL',
    );
    expect(() => buildRevocationList({ url: 'https://x.example/r', issuerId: '', revokedIds: [] })).toThrow(
      'issuerId',
    );
    expect(() =>
      buildRevocationList({ url: 'https://x.example/r', issuerId: 'urn:i', revokedIds: [''] }),
    ).toThrow('revoked ids must be non-empty strings');
  });
});
