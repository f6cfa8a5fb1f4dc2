import { type CryptographicKey, KeyResolutionError, type KeyResolver, MemoryKeyResolver } from '@app/clr';
import { TrustedLocationKeyResolver, parseKeySource } from './verify-key.resolver';

const key = (id: string): CryptographicKey => ({
  id,
  type: 'CryptographicKey',
  owner: 'https://issuer.example.edu/profile',
  publicKeyPem: 'unused',
});

describe('TrustedLocationKeyResolver', () => {
  const trusted = new TrustedLocationKeyResolver(
    new MemoryKeyResolver(),
    new URL('https://issuer.example.edu/keys'),
  );

  it.each([
    ['https://issuer.example.edu/keys/k1', true],
    ['https://issuer.example.edu/keys/', true],
    ['https://issuer.example.edu/keys', true],
    ['https://issuer.example.edu/keys/sub/k1?v=2', true],
    ['https://issuer.example.edu/keys-old/k1', false],
    ['https://issuer.example.edu/keys/../admin/k1', false],
    ['https://issuer.example.edu:8443/keys/k1', false],
    ['http://issuer.example.edu/keys/k1', false],
    ['https://user:pw@issuer.example.edu/keys/k1', false],
    ['https://evil.example.org/keys/k1', false],
    ['not a url', false],
  ])('covers %s: %s', (url, expected) => {
    expect(trusted.covers(url)).toBe(expected);
  });

  it('refuses a key outside the location, naming it, and passes others and all revocation lists through', async () => {
    const inner: KeyResolver = new MemoryKeyResolver({
      keys: [key('https://issuer.example.edu/keys/k1'), key('https://evil.example.org/keys/k1')],
      revocationLists: [
        {
          '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
          id: 'https://elsewhere.example.edu/revocations/1',
          type: 'RevocationList',
          issuer: 'https://issuer.example.edu/profile',
          revokedAssertions: [],
        },
      ],
    });
    const resolver = new TrustedLocationKeyResolver(inner, new URL('https://issuer.example.edu/keys/'));
    await expect(resolver.getKey('https://issuer.example.edu/keys/k1')).resolves.toMatchObject({
      id: 'https://issuer.example.edu/keys/k1',
    });
    const refused = resolver.getKey('https://evil.example.org/keys/k1');
    await expect(refused).rejects.toBeInstanceOf(KeyResolutionError);
    await expect(refused).rejects.toThrow(
      'key https://evil.example.org/keys/k1 is not published under the trusted key location https://issuer.example.edu/keys/ (--keys)',
    );
    await expect(
      resolver.getRevocationList('https://elsewhere.example.edu/revocations/1'),
    ).resolves.toMatchObject({
      issuer: 'https://issuer.example.edu/profile',
    });
  });
});

describe('parseKeySource', () => {
  it('reads a directory, a URL, or nothing', () => {
    expect(parseKeySource(undefined)).toEqual({ type: 'web' });
    expect(parseKeySource('keys/dir')).toEqual({ type: 'dir', path: 'keys/dir' });
    expect(parseKeySource('https://issuer.example.edu/keys')).toEqual({
      type: 'url',
      url: new URL('https://issuer.example.edu/keys'),
    });
    expect(() => parseKeySource('https://')).toThrow('--keys is neither a directory nor a valid URL');
  });
});
