import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { type Observable, catchError, concatMap, from, map, throwError } from 'rxjs';
import { isAdminPath } from '../auth/admin-principal';
import { type AdminRequest } from '../auth/current-admin.decorator';
import { mapError } from '../errors/error-mapping';
import { requestIdOf } from '../errors/request-id';
import { AdminAuditService } from './admin-audit.service';
import { AUDIT_KEY, type AuditSpec } from './audit.decorator';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `POST /admin/runs/:id/cancel` from the route the request matched. */
export function defaultAction(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  return `${req.method} ${typeof route === 'string' ? route : req.path}`;
}

/** Answers that refuse the request's input itself (400, 404, 422). */
const INPUT_REFUSALS = new Set([400, 404, 422]);

/** What an id looks like (run and delivery ids, assertion URLs, target names, key ids). */
const ID_LIKE = /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,399}$/;

/**
 * A refused call's subject. One refused as input (malformed, unknown) is the caller's text,
 * maybe personal data pasted in the wrong place (an email, a name): kept only when it looks like
 * an id.
 */
function failedSubjectOf(spec: AuditSpec, req: Request, status: number): string | undefined {
  const subject = subjectOf(spec, req, undefined);
  if (subject === undefined || !INPUT_REFUSALS.has(status)) return subject;
  return ID_LIKE.test(subject) ? subject : undefined;
}

/** The call's subject; anything but a string (a body field of the wrong type) is none. */
function subjectOf(spec: AuditSpec, req: Request, result: unknown): string | undefined {
  const params = (req.params ?? {}) as Record<string, unknown>;
  const subject: unknown =
    typeof spec.subject === 'function'
      ? spec.subject(req, result)
      : params[typeof spec.subject === 'string' ? spec.subject : 'id'];
  return typeof subject === 'string' ? subject : undefined;
}

/**
 * Global: every changing call (anything but GET/HEAD/OPTIONS) under /admin is written to the
 * audit log once the handler has answered — who (the principal's actor), what (`@Audit`
 * action or method and route), which subject, and the outcome with the request id. Succeeded
 * calls are recorded before the response leaves, so a caller never sees an unaudited success.
 * Calls refused by the guard (401/403) are not actions and go to the request log only.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AdminAuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & AdminRequest>();
    if (READ_METHODS.has(req.method.toUpperCase()) || !isAdminPath(req.path)) return next.handle();
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_KEY, context.getHandler()) ?? {};
    if (spec.auto === false) return next.handle();

    const base = {
      actor: req.adminPrincipal?.actor ?? 'unknown',
      action: spec.action ?? defaultAction(req),
    };
    const requestId = requestIdOf(req);
    return next.handle().pipe(
      concatMap((result: unknown) =>
        from(
          this.audit.record({
            ...base,
            subject: subjectOf(spec, req, result),
            details: { outcome: 'ok', requestId },
          }),
        ).pipe(map(() => result)),
      ),
      catchError((error: unknown) => {
        const mapped = mapError(error);
        return from(
          this.audit.record({
            ...base,
            subject: failedSubjectOf(spec, req, mapped.status),
            details: { outcome: 'failed', requestId, status: mapped.status, errorCode: mapped.code },
          }),
        ).pipe(concatMap(() => throwError(() => error)));
      }),
    );
  }
}
