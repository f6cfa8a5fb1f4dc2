import { walletsSchema } from './wallets-config.schema';
import { schemaIssues } from './schema-issues.test-kit';

const minimal = {
  portal: { issuer: 'https://portal.example.edu', jwksUrl: 'https://portal.example.edu/jwks.json' },
  redirectUri: 'https://clr.example.edu/wallets/callback',
  logoUri: 'https://clr.example.edu/logo.png',
  tosUri: 'https://clr.example.edu/tos',
  policyUri: 'https://clr.example.edu/privacy',
};

const problems = (value: unknown): string[] => schemaIssues(walletsSchema, value);

describe('wallets configuration', () => {
  it('fills in claims, ages and timeouts', () => {
    expect(walletsSchema.parse(minimal)).toMatchObject({
      clientName: 'CLR Publisher',
      stateTtlSeconds: 600,
      timeoutMs: 10_000,
      portal: {
        maxAgeSeconds: 300,
        clockToleranceSeconds: 30,
        learnerClaim: 'learner_id',
        walletClaim: 'wallet',
        connectionClaim: 'connection_id',
      },
    });
  });

  it('needs exactly one of the portal public key and JWKS', () => {
    expect(problems({ ...minimal, portal: { issuer: 'p' } })).toEqual([
      'portal.publicKey: give exactly one of publicKey and jwksUrl',
    ]);
    expect(
      problems({ ...minimal, portal: { ...minimal.portal, publicKey: '-----BEGIN PUBLIC KEY-----' } }),
    ).toEqual(['portal.publicKey: give exactly one of publicKey and jwksUrl']);
  });

  it('refuses plain http away from loopback and registration URIs on another host', () => {
    expect(problems({ ...minimal, redirectUri: 'http://clr.example.edu/wallets/callback' })).toContain(
      'redirectUri: must be an https URL (http only on a loopback host)',
    );
    expect(problems({ ...minimal, logoUri: 'https://cdn.example.com/logo.png' })).toEqual([
      'logoUri: must be on the host of redirectUri (OB 2.1 registration)',
    ]);
    expect(
      problems({
        ...minimal,
        redirectUri: 'http://127.0.0.1:3000/wallets/callback',
        logoUri: 'http://127.0.0.1:3000/logo.png',
        tosUri: 'http://127.0.0.1:3000/tos',
        policyUri: 'http://127.0.0.1:3000/privacy',
      }),
    ).toEqual([]);
  });

  it('refuses shared-secret algorithms and unknown keys', () => {
    expect(problems({ ...minimal, portal: { ...minimal.portal, algorithms: ['HS256'] } })[0]).toMatch(
      /^portal\.algorithms\.0: /,
    );
    expect(problems({ ...minimal, extra: 1 })[0]).toMatch(/Unrecognized key/);
  });
});
