import { CLR_SCOPES } from '@app/clr';
import { type ProviderApiConfig } from '@app/config';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { ProviderAccessVerifier, scopesOf } from './provider-access.verifier';

const config: ProviderApiConfig = {
  issuer: 'https://auth.example.edu',
  jwksUrl: 'https://auth.example.edu/jwks.json',
  audience: ['https://pub.example.edu', 'https://pub.example.edu/ims/clr/v1p0'],
  readers: ['wallet', 'exchange'],
  algorithms: ['RS256'],
  clockToleranceSeconds: 30,
  jwksTimeoutMs: 1000,
  jwksCacheSeconds: 600,
};

describe('ProviderAccessVerifier', () => {
  let sign: (claims: Record<string, unknown>, alg?: string) => Promise<string>;
  let verifier: ProviderAccessVerifier;

  beforeAll(async () => {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    const keys = createLocalJWKSet({
      keys: [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', alg: 'RS256' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256' },
      ],
    });
    verifier = new ProviderAccessVerifier(config, keys);
    sign = (claims, alg = 'RS256') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, kid: alg === 'RS256' ? 'rsa' : 'ec' })
        .setIssuer(config.issuer)
        .setAudience('https://pub.example.edu/ims/clr/v1p0')
        .setExpirationTime('5m')
        .sign(alg === 'RS256' ? rsa.privateKey : ec.privateKey);
  });

  it('grants a token with the readonly scope and names its client', async () => {
    const token = await sign({ scope: CLR_SCOPES.readonly, client_id: 'wallet' });
    expect(await verifier.verify(`Bearer ${token}`)).toEqual({ granted: true, clientId: 'wallet' });
    expect(await verifier.verify(`bearer  ${token}`)).toMatchObject({ granted: true });
    const azp = await sign({ scope: CLR_SCOPES.readonly, azp: 'exchange' });
    expect(await verifier.verify(`Bearer ${azp}`)).toEqual({ granted: true, clientId: 'exchange' });
  });

  it('refuses with 403 a token issued to a client that is not a configured reader, or to none', async () => {
    for (const claims of [{ client_id: 'learner-wallet' }, { azp: 'learner-wallet' }, { sub: 'learner-1' }]) {
      const token = await sign({ scope: CLR_SCOPES.readonly, ...claims });
      expect(await verifier.verify(`Bearer ${token}`)).toEqual({
        granted: false,
        denial: {
          status: 403,
          description: 'the token was not issued to a client allowed to read learners’ CLRs',
        },
      });
    }
  });

  it('refuses an algorithm the configuration does not allow, even with a key for it', async () => {
    const token = await sign({ scope: CLR_SCOPES.readonly }, 'ES256');
    expect(await verifier.verify(`Bearer ${token}`)).toEqual({
      granted: false,
      denial: {
        status: 401,
        error: 'invalid_token',
        description: 'the token is signed with an algorithm that is not accepted',
      },
    });
  });

  it('says no credentials were sent, without an error code (RFC 6750 §3.1)', async () => {
    for (const header of [undefined, '', '   ']) {
      expect(await verifier.verify(header)).toEqual({
        granted: false,
        denial: { status: 401, description: 'a bearer token with the readonly scope is required' },
      });
    }
  });

  it('refuses a header that is not one bearer token', async () => {
    for (const header of ['Token abc', 'Bearer', 'Bearer a b', `Bearer ${'a'.repeat(20_000)}`]) {
      expect(await verifier.verify(header)).toMatchObject({
        granted: false,
        denial: { status: 401, error: 'invalid_request' },
      });
    }
  });

  it('refuses a good token without the scope with 403', async () => {
    const token = await sign({ scope: `${CLR_SCOPES.replace}` });
    expect(await verifier.verify(`Bearer ${token}`)).toMatchObject({
      granted: false,
      denial: { status: 403, error: 'insufficient_scope' },
    });
  });

  it('refuses everything when not configured', async () => {
    const token = await sign({ scope: CLR_SCOPES.readonly });
    const closed = new ProviderAccessVerifier(undefined);
    expect(closed.enabled).toBe(false);
    expect(await closed.verify(`Bearer ${token}`)).toMatchObject({
      granted: false,
      denial: { status: 401, error: 'invalid_token' },
    });
  });

  it('answers 503 when the key source fails (an outage, not a bad token)', async () => {
    const broken = new ProviderAccessVerifier(config, () => Promise.reject(new TypeError('fetch failed')));
    const token = await sign({ scope: CLR_SCOPES.readonly });
    expect(await broken.verify(`Bearer ${token}`)).toMatchObject({ granted: false, denial: { status: 503 } });
  });
});

describe('scopesOf', () => {
  it('reads `scope` as a space-separated string and `scp` as an array or string', () => {
    expect(scopesOf({ scope: ' a  b ' })).toEqual(['a', 'b']);
    expect(scopesOf({ scp: ['c', 1, 'd'] })).toEqual(['c', 'd']);
    expect(scopesOf({ scope: 'a', scp: 'b c' })).toEqual(['a', 'b', 'c']);
    expect(scopesOf({ scope: 42 })).toEqual([]);
  });
});
