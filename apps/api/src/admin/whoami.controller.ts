import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import { type AdminPrincipal } from '../auth/admin-principal';
import { CurrentAdmin } from '../auth/current-admin.decorator';
import { AdminApi } from './admin-api.decorator';

class WhoAmIResponse {
  @ApiProperty({ description: 'Token name or the JWT subject; the actor in the audit log' })
  actor!: string;

  @ApiProperty({ enum: ['viewer', 'operator'], nullable: true })
  role!: string | null;

  @ApiProperty({ enum: ['token', 'oidc'] })
  via!: string;
}

/** Who the token belongs to and what it may do: a quick check of a token or an OIDC setup. */
@AdminApi('admin')
@Controller('admin/whoami')
export class WhoAmIController {
  @Get()
  @ApiOkResponse({ type: WhoAmIResponse })
  whoami(@CurrentAdmin() admin: AdminPrincipal): WhoAmIResponse {
    return { actor: admin.actor, role: admin.role, via: admin.via };
  }
}
