import { type AdminRole } from '@app/config';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { AdminAuthenticator } from './admin-authenticator';
import { defaultRoleFor, isAdminPath } from './admin-principal';
import { type AdminRequest } from './current-admin.decorator';
import { ADMIN_ROLE_KEY } from './roles.decorator';

/**
 * Global guard: every route under /admin needs a bearer token granting the route's role
 * (`@Roles`, else viewer to read and operator to change). It decides by the request path and
 * by the matched route's declared path, so an admin controller cannot opt out by forgetting a
 * decorator. Other routes pass untouched.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: AdminAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request & AdminRequest>();
    const declared = (req.route as { path?: unknown } | undefined)?.path;
    if (!isAdminPath(req.path) && !(typeof declared === 'string' && isAdminPath(declared))) return true;
    const need =
      this.reflector.getAllAndOverride<AdminRole | undefined>(ADMIN_ROLE_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) ?? defaultRoleFor(req.method);
    const principal = await this.authenticator.authenticate(req.headers.authorization);
    req.adminPrincipal = principal;
    this.authenticator.authorize(principal, need);
    return true;
  }
}
