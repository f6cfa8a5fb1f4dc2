import { createServer } from 'node:net';
import { type AdminOidcConfig, adminOidcSchema } from '@app/config';
import { type StandInOidcIssuer, startStandInOidcIssuer } from '@app/testing';
import { OidcTokenVerifier, OidcVerificationError } from './oidc-token.verifier';

function oidcConfig(input: Record<string, unknown>): AdminOidcConfig {
  return adminOidcSchema.parse({ audience: 'clr-admin', timeoutMs: 1000, ...input });
}

async function failure(promise: Promise<unknown>): Promise<OidcVerificationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OidcVerificationError) return error;
    throw error;
  }
  throw new Error('expected the token to be refused');
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('OidcTokenVerifier', () => {
  let issuer: StandInOidcIssuer;

  beforeAll(async () => {
    issuer = await startStandInOidcIssuer();
  });
  afterAll(() => issuer.close());

  it('finds the keys through discovery, once, and takes actor and role from the configured claims', async () => {
    const verifier = new OidcTokenVerifier(
      oidcConfig({
        issuer: issuer.issuer,
        rolesClaim: 'realm_access.roles',
        roleValues: { viewer: ['clr-viewer'], operator: ['clr-operator'] },
      }),
    );
    const operator = await issuer.sign({
      sub: 'op-7',
      aud: 'clr-admin',
      realm_access: { roles: ['x', 'clr-operator'] },
    });
    const viewer = await issuer.sign({
      sub: 'view-1',
      aud: 'clr-admin',
      realm_access: { roles: ['clr-viewer'] },
    });
    const nobody = await issuer.sign({ sub: 'n-1', aud: 'clr-admin', realm_access: { roles: ['other'] } });
    await expect(verifier.verify(operator)).resolves.toEqual({
      actor: 'op-7',
      role: 'operator',
      via: 'oidc',
    });
    await expect(verifier.verify(viewer)).resolves.toEqual({ actor: 'view-1', role: 'viewer', via: 'oidc' });
    await expect(verifier.verify(nobody)).resolves.toEqual({ actor: 'n-1', role: null, via: 'oidc' });
    expect(issuer.hits.get('/realm/.well-known/openid-configuration')).toBe(1);
    expect(issuer.hits.get('/realm/jwks')).toBe(1);
  });

  it('reads a space-separated roles string and a configured actor claim', async () => {
    const verifier = new OidcTokenVerifier(
      oidcConfig({
        issuer: issuer.issuer,
        jwksUri: issuer.jwksUri,
        rolesClaim: 'scope',
        actorClaim: 'preferred_username',
      }),
    );
    const token = await issuer.sign({
      sub: 's',
      preferred_username: 'night-ops',
      aud: 'clr-admin',
      scope: 'openid viewer',
    });
    await expect(verifier.verify(token)).resolves.toEqual({
      actor: 'night-ops',
      role: 'viewer',
      via: 'oidc',
    });
  });

  describe('refuses, naming the reason', () => {
    let verifier: OidcTokenVerifier;
    beforeAll(() => {
      verifier = new OidcTokenVerifier(oidcConfig({ issuer: issuer.issuer, jwksUri: issuer.jwksUri }));
    });

    it.each([
      [
        'another issuer',
        { iss: 'http://127.0.0.1:1/other', aud: 'clr-admin' },
        {},
        'the "iss" claim does not match',
      ],
      ['another audience', { aud: 'someone-else' }, {}, 'the "aud" claim does not match'],
      [
        'an expired token',
        { aud: 'clr-admin' },
        { expiresIn: Math.floor(Date.now() / 1000) - 120 },
        'the token has expired',
      ],
    ])('%s', async (_name, claims, options, reason) => {
      const token = await issuer.sign({ sub: 'op', roles: ['operator'], ...claims }, options);
      const error = await failure(verifier.verify(token));
      expect(error.kind).toBe('invalid');
      expect(error.message).toBe(reason);
    });

    it('a token signed by a key the issuer does not publish', async () => {
      const token = await issuer.sign(
        { sub: 'op', aud: 'clr-admin', roles: ['operator'] },
        { key: await issuer.foreignKey() },
      );
      const error = await failure(verifier.verify(token));
      expect([error.kind, error.message]).toEqual(['invalid', 'the signature does not verify']);
    });

    it('a token without the actor claim', async () => {
      const token = await issuer.sign({ aud: 'clr-admin', roles: ['operator'] });
      const error = await failure(verifier.verify(token));
      expect([error.kind, error.message]).toEqual(['invalid', 'the token has no "sub" claim']);
    });

    it('an algorithm that is not allowed', async () => {
      const only = new OidcTokenVerifier(
        oidcConfig({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, algorithms: ['ES256'] }),
      );
      const token = await issuer.sign({ sub: 'op', aud: 'clr-admin' });
      const error = await failure(only.verify(token));
      expect([error.kind, error.message]).toEqual(['invalid', 'the signing algorithm is not accepted']);
    });
  });

  it('says the issuer is unavailable (not that the token is bad) when its keys cannot be fetched', async () => {
    const port = await closedPort();
    const token = await issuer.sign({ sub: 'op', aud: 'clr-admin' });
    const viaJwks = new OidcTokenVerifier(
      oidcConfig({ issuer: issuer.issuer, jwksUri: `http://127.0.0.1:${port}/jwks` }),
    );
    expect((await failure(viaJwks.verify(token))).kind).toBe('unavailable');
    const viaDiscovery = new OidcTokenVerifier(oidcConfig({ issuer: `http://127.0.0.1:${port}/realm` }));
    const error = await failure(viaDiscovery.verify(token));
    expect([error.kind, error.message]).toEqual([
      'unavailable',
      "the issuer's discovery document cannot be fetched",
    ]);
  });

  it('refuses a discovery document that names another issuer', async () => {
    // The stand-in's document names ".../realm"; configured with a trailing path it does not match.
    const verifier = new OidcTokenVerifier(oidcConfig({ issuer: `${issuer.issuer}/` }));
    const token = await issuer.sign({ sub: 'op', aud: 'clr-admin' });
    const error = await failure(verifier.verify(token));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(/does not name this issuer/);
  });
});
