import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type AddTargetRequest, TargetOperations, type TargetView } from '@app/publishing';
import { type Request } from 'express';
import { Audit } from '../../audit/audit.decorator';
import { type AdminPrincipal } from '../../auth/admin-principal';
import { CurrentAdmin } from '../../auth/current-admin.decorator';
import { actorOf } from '../common/admin-actor';
import { AdminErrorDto } from '../common/admin-error.dto';
import { AdminOperationsApi } from '../common/admin-operation.decorator';
import { bodyOf } from '../common/request-input';
import { AddTargetDto, TargetDto } from './target.dto';

const ADD_TARGET_FIELDS = [
  'name',
  'discoveryUrl',
  'baseUrl',
  'scopes',
  'payload',
  'concurrency',
  'ratePerSecond',
  'timeoutMs',
] as const satisfies readonly (keyof AddTargetRequest)[];

/**
 * Delivery targets. Configured ones (`origin: config`) come from `delivery.targets` and are synced
 * by name at worker start; ones added here (`origin: runtime`) are left alone by that sync.
 */
@AdminOperationsApi('targets')
@Controller('admin/targets')
export class TargetsController {
  constructor(private readonly targets: TargetOperations) {}

  @Get()
  @ApiOperation({ summary: 'Every delivery target, with its deliveries per status' })
  @ApiOkResponse({ type: [TargetDto] })
  list(): Promise<TargetView[]> {
    return this.targets.list();
  }

  @Post()
  @Audit({
    subject: (req) => {
      const name = (req.body as { name?: unknown } | undefined)?.name;
      return typeof name === 'string' ? name : undefined;
    },
  })
  @ApiOperation({
    summary: 'Add a target by its discovery URL',
    description:
      'Fetches and checks the discovery document, registers a client (RFC 7591) and enables the target; ' +
      'when any step fails nothing is kept and the answer says why.',
  })
  @ApiCreatedResponse({ type: TargetDto })
  @ApiBadRequestResponse({ type: AdminErrorDto, description: 'a malformed field or URL (details.field)' })
  @ApiConflictResponse({ type: AdminErrorDto, description: 'target_exists' })
  @ApiUnprocessableEntityResponse({
    type: AdminErrorDto,
    description: 'discovery_failed, registration_failed, provider_unavailable (details.reason)',
  })
  add(
    @Body() body: AddTargetDto,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<TargetView> {
    return this.targets.add(
      bodyOf(body, ADD_TARGET_FIELDS) as unknown as AddTargetRequest,
      actorOf(admin, req),
    );
  }

  @Post(':name/disable')
  @HttpCode(200)
  @Audit({ subject: 'name' })
  @ApiOperation({
    summary: 'Disable a target',
    description:
      'New versions get no delivery for it; its pending deliveries go dead when tried. A configured ' +
      "target's enabled is re-applied from the configuration at the next worker start.",
  })
  @ApiOkResponse({ type: TargetDto })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'target_not_found' })
  disable(
    @Param('name') name: string,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<TargetView> {
    return this.targets.setEnabled(name, false, actorOf(admin, req));
  }

  @Post(':name/enable')
  @HttpCode(200)
  @Audit({ subject: 'name' })
  @ApiOperation({ summary: 'Enable a target' })
  @ApiOkResponse({ type: TargetDto })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'target_not_found' })
  enable(
    @Param('name') name: string,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<TargetView> {
    return this.targets.setEnabled(name, true, actorOf(admin, req));
  }
}
