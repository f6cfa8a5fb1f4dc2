import { SetMetadata } from '@nestjs/common';
import { type Request } from 'express';

export const AUDIT_KEY = 'clr:audit';

export interface AuditSpec {
  /** Dotted verb, e.g. `runs.start`, `keys.rotate`. Default: `<METHOD> <route path>`. */
  action?: string;
  /**
   * What was acted on: a route parameter's name (`'id'`), or a function of the request and the
   * handler's result (e.g. the created run's id). Default: the `id` route parameter, if any.
   * Ids only: never a name, an email or a student id.
   */
  subject?: string | ((req: Request, result: unknown) => string | undefined);
  /**
   * `false`: the handler writes its own audit entry (e.g. inside its transaction with
   * `AdminAuditService`), so the interceptor does not.
   */
  auto?: boolean;
}

/** How a changing /admin call appears in the audit log (every one is logged; this names it). */
export const Audit = (spec: AuditSpec): MethodDecorator => SetMetadata(AUDIT_KEY, spec);
