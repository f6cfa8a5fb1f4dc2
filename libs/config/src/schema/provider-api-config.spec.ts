import { providerApiSchema } from './provider-api-config.schema';
import { schemaIssues } from './schema-issues.test-kit';

const minimal = {
  issuer: 'https://auth.example.edu',
  jwksUrl: 'https://auth.example.edu/.well-known/jwks.json',
  audience: 'https://clr.example.edu/ims/clr/v1p0',
  readers: ['transcript-exchange'],
};

const problems = (value: unknown): string[] => schemaIssues(providerApiSchema, value);

describe('providerApi configuration', () => {
  it('fills in asymmetric algorithms, clock tolerance and JWKS timing', () => {
    expect(providerApiSchema.parse(minimal)).toEqual({
      ...minimal,
      algorithms: ['RS256', 'PS256', 'ES256'],
      clockToleranceSeconds: 30,
      jwksTimeoutMs: 5000,
      jwksCacheSeconds: 600,
    });
    expect(
      providerApiSchema.parse({ ...minimal, audience: ['a', 'b'], jwksTimeoutMs: '2000' }),
    ).toMatchObject({
      audience: ['a', 'b'],
      jwksTimeoutMs: 2000,
    });
  });

  it('takes a JWKS over plain http on a loopback host only', () => {
    expect(problems({ ...minimal, jwksUrl: 'http://127.0.0.1:8080/jwks.json' })).toEqual([]);
    expect(problems({ ...minimal, jwksUrl: 'http://auth.example.edu/jwks.json' })).toEqual([
      'jwksUrl: must be an https URL (http only on a loopback host)',
    ]);
  });

  it('refuses shared-secret and unsigned algorithms, empty audiences and unknown keys', () => {
    expect(problems({ ...minimal, algorithms: ['HS256'] })[0]).toMatch(/^algorithms\.0: Invalid enum value/);
    expect(problems({ ...minimal, algorithms: ['none'] })[0]).toMatch(/^algorithms\.0:/);
    expect(problems({ ...minimal, audience: [] })[0]).toMatch(/^audience:/);
    expect(problems({ ...minimal, scope: 'x' })[0]).toMatch(/Unrecognized key/);
    expect(
      problems({ issuer: 'x' })
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['audience', 'jwksUrl', 'readers']);
    expect(problems({ ...minimal, readers: [] })[0]).toMatch(/^readers:/);
  });

  it('needs every DiscoveryDocument URL when discovery is given', () => {
    const discovery = {
      name: 'Example CLR',
      authorizationUrl: 'https://auth.example.edu/authorize',
      tokenUrl: 'https://auth.example.edu/token',
      registrationUrl: 'https://auth.example.edu/register',
      privacyPolicyUrl: 'https://example.edu/privacy',
      termsOfServiceUrl: 'https://example.edu/terms',
    };
    expect(problems({ ...minimal, discovery })).toEqual([]);
    const { registrationUrl: _registration, ...incomplete } = discovery;
    expect(problems({ ...minimal, discovery: { ...incomplete, tokenUrl: 'ftp://x' } }).sort()).toEqual([
      'discovery.registrationUrl: Required',
      'discovery.tokenUrl: must be an absolute http(s) URL',
    ]);
  });
});
