import { createHash } from 'node:crypto';
import { StaticTokenVerifier } from './static-token.verifier';
import { defaultRoleFor, grants, isAdminPath } from './admin-principal';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('StaticTokenVerifier', () => {
  const verifier = new StaticTokenVerifier([
    { name: 'night-ops', role: 'operator', sha256: sha256('op-token-0123456789') },
    { name: 'dashboard', role: 'viewer', sha256: sha256('view-token-0123456789') },
  ]);

  it('knows a token by its SHA-256 and names its holder and role', () => {
    expect(verifier.verify('op-token-0123456789')).toEqual({
      actor: 'night-ops',
      role: 'operator',
      via: 'token',
    });
    expect(verifier.verify('view-token-0123456789')).toEqual({
      actor: 'dashboard',
      role: 'viewer',
      via: 'token',
    });
  });

  it('refuses anything else, including the hash itself and near misses', () => {
    expect(verifier.verify(sha256('op-token-0123456789'))).toBeUndefined();
    expect(verifier.verify('op-token-012345678')).toBeUndefined();
    expect(verifier.verify('OP-TOKEN-0123456789')).toBeUndefined();
    expect(verifier.verify('')).toBeUndefined();
    expect(new StaticTokenVerifier([]).verify('op-token-0123456789')).toBeUndefined();
  });
});

describe('admin roles', () => {
  it('lets an operator do what a viewer may, not the other way round', () => {
    const operator = { actor: 'a', role: 'operator', via: 'token' } as const;
    const viewer = { actor: 'b', role: 'viewer', via: 'token' } as const;
    const none = { actor: 'c', role: null, via: 'oidc' } as const;
    expect([grants(operator, 'viewer'), grants(operator, 'operator')]).toEqual([true, true]);
    expect([grants(viewer, 'viewer'), grants(viewer, 'operator')]).toEqual([true, false]);
    expect([grants(none, 'viewer'), grants(none, 'operator')]).toEqual([false, false]);
  });

  it('needs viewer to read and operator to change by default', () => {
    expect(['GET', 'head', 'OPTIONS'].map(defaultRoleFor)).toEqual(['viewer', 'viewer', 'viewer']);
    expect(['POST', 'put', 'PATCH', 'DELETE'].map(defaultRoleFor)).toEqual([
      'operator',
      'operator',
      'operator',
      'operator',
    ]);
  });

  it('recognises admin paths whatever their case, and nothing that merely starts alike', () => {
    expect(['/admin', '/admin/', '/admin/runs', '/ADMIN/Runs'].map(isAdminPath)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['/administrator', '/health', '/ims/clr/v1p0/admin'].map(isAdminPath)).toEqual([
      false,
      false,
      false,
    ]);
  });
});
