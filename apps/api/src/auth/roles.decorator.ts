import { type AdminRole } from '@app/config';
import { SetMetadata } from '@nestjs/common';

export const ADMIN_ROLE_KEY = 'clr:admin-role';

/**
 * The role an /admin route (or every route of a controller) needs. Without it: `viewer` for
 * GET/HEAD, `operator` for everything else.
 */
export const Roles = (role: AdminRole): MethodDecorator & ClassDecorator => SetMetadata(ADMIN_ROLE_KEY, role);
