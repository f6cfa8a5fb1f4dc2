import { type OperationActor } from '@app/publishing';
import { type Request } from 'express';
import { type AdminPrincipal } from '../../auth/admin-principal';
import { requestIdOf } from '../../errors/request-id';

/** Who an admin request acts as: the principal's actor, through the API, with the request id. */
export function actorOf(admin: AdminPrincipal, req: Request): OperationActor {
  return { actor: admin.actor, via: 'api', requestId: requestIdOf(req) };
}
