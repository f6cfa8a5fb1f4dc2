import { type AdminRole } from '@app/config';

/** Who is calling /admin: established by the AdminAuthGuard, read with `@CurrentAdmin()`. */
export interface AdminPrincipal {
  /** The static token's name or the JWT's actor claim (`sub`): the actor in the audit log. */
  actor: string;
  /** The role granted; `null` for a valid JWT that carries none of the configured role values. */
  role: AdminRole | null;
  via: 'token' | 'oidc';
}

const RANK: Record<AdminRole, number> = { viewer: 1, operator: 2 };

/** Whether `principal` may do what needs `role` (operator includes viewer). */
export function grants(principal: AdminPrincipal, role: AdminRole): boolean {
  return principal.role !== null && RANK[principal.role] >= RANK[role];
}

/** The role a route needs unless it says otherwise: reading needs viewer, changing operator. */
export function defaultRoleFor(method: string): AdminRole {
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' || upper === 'OPTIONS' ? 'viewer' : 'operator';
}

/** Whether a request path belongs to the admin API (case-insensitively, as Express routes match). */
export function isAdminPath(path: string): boolean {
  const lower = path.toLowerCase();
  return lower === '/admin' || lower.startsWith('/admin/');
}
