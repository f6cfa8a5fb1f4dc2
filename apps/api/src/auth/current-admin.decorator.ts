import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { type AdminPrincipal } from './admin-principal';

/** The request as the admin guard leaves it. */
export interface AdminRequest {
  adminPrincipal?: AdminPrincipal;
}

/**
 * The authenticated caller of an /admin route: `whoami(@CurrentAdmin() admin: AdminPrincipal)`.
 * Its `actor` is what the audit log records.
 */
export const CurrentAdmin = createParamDecorator((_data: unknown, ctx: ExecutionContext): AdminPrincipal => {
  const principal = ctx.switchToHttp().getRequest<AdminRequest>().adminPrincipal;
  // The guard runs before any handler of /admin; a handler elsewhere asking for it is a bug.
  if (principal === undefined) throw new Error('@CurrentAdmin() used on a route outside /admin');
  return principal;
});
