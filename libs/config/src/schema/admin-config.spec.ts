import { createHash } from 'node:crypto';
import { loadConfig } from '../loader/config.loader';
import { parseConfig } from '../loader/config.loader';
import { ConfigError } from '../config.error';
import { DEMO_ADMIN_TOKEN, DEMO_ADMIN_TOKEN_SHA256, adminSchema } from './admin-config.schema';
import { schemaIssues } from './schema-issues.test-kit';

const issues = (input: unknown): string[] => schemaIssues(adminSchema, input);

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

describe('admin configuration', () => {
  it('defaults to no tokens, no OIDC issuer, an open /metrics and served docs', () => {
    expect(adminSchema.parse({})).toEqual({ tokens: [], metrics: {}, docs: true });
  });

  it('stores the demo token only as its SHA-256', () => {
    expect(DEMO_ADMIN_TOKEN_SHA256).toBe(hash(DEMO_ADMIN_TOKEN));
    const config = loadConfig({ env: {} });
    expect(config.admin.tokens).toEqual([
      { name: 'demo-operator', role: 'operator', sha256: DEMO_ADMIN_TOKEN_SHA256 },
    ]);
  });

  it('takes hashes in either case and refuses anything but 64 hex digits', () => {
    const upper = hash('x').toUpperCase();
    expect(
      adminSchema.parse({ tokens: [{ name: 'a', role: 'viewer', sha256: upper }] }).tokens[0].sha256,
    ).toBe(hash('x'));
    expect(issues({ tokens: [{ name: 'a', role: 'viewer', sha256: 'secret-token' }] })).toEqual([
      'tokens.0.sha256: must be the SHA-256 of the token as 64 hex digits (printf %s "$TOKEN" | sha256sum)',
    ]);
    expect(issues({ tokens: [{ name: 'a', role: 'admin', sha256: hash('x') }] })).toEqual([
      "tokens.0.role: Invalid enum value. Expected 'viewer' | 'operator', received 'admin'",
    ]);
  });

  it('refuses duplicate names and one token configured twice', () => {
    expect(
      issues({
        tokens: [
          { name: 'a', role: 'viewer', sha256: hash('x') },
          { name: 'a', role: 'operator', sha256: hash('y') },
          { name: 'b', role: 'operator', sha256: hash('x') },
        ],
      }),
    ).toEqual([
      'tokens.1.name: duplicate token name "a"',
      'tokens.2.sha256: the same token is configured twice (each name needs its own token)',
    ]);
  });

  it('fills OIDC defaults and wants https for the issuer and keys except on loopback', () => {
    const admin = adminSchema.parse({ oidc: { issuer: 'http://127.0.0.1:9000/realm', audience: 'admin' } });
    expect(admin.oidc).toMatchObject({
      rolesClaim: 'roles',
      roleValues: { viewer: ['viewer'], operator: ['operator'] },
      actorClaim: 'sub',
      clockToleranceSeconds: 30,
      timeoutMs: 5000,
    });
    expect(
      issues({
        oidc: { issuer: 'http://login.example.edu', audience: 'a', jwksUri: 'http://keys.example.edu' },
      }),
    ).toEqual([
      'oidc.issuer: must be https (plain http only on a loopback address)',
      'oidc.jwksUri: must be https (plain http only on a loopback address)',
    ]);
    expect(
      issues({ oidc: { issuer: 'https://login.example.edu', audience: 'a', algorithms: ['HS256'] } }),
    ).toHaveLength(1);
  });

  it('refuses the demo token when publishing beyond loopback', () => {
    const yaml = `
institution: { id: u, name: U, url: https://u.example.edu, email: r@u.example.edu, idSecret: ${'s'.repeat(40)} }
publicBaseUrl: https://clr.u.example.edu
keys: { masterKey: ${Buffer.alloc(32, 7).toString('base64')} }
sis: { sources: [{ name: demo, driver: sqlite, connection: { file: x.sqlite } }] }
store: { driver: sqlite, file: p.sqlite }
admin:
  tokens: [{ name: demo-operator, role: operator, sha256: ${DEMO_ADMIN_TOKEN_SHA256} }]
  metrics: { tokenSha256: ${DEMO_ADMIN_TOKEN_SHA256} }
`;
    let error: unknown;
    try {
      parseConfig(yaml, { env: {}, source: '(inline)', root: '/tmp' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([
      'admin.tokens[0].sha256',
      'admin.metrics.tokenSha256',
    ]);
    expect((error as ConfigError).message).not.toContain(DEMO_ADMIN_TOKEN);
  });
});
