import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
} from '@nestjs/swagger';
import {
  type DeliveryDetailView,
  DeliveryOperations,
  type DeliveryView,
  type Page,
  type RetryDeadResult,
  invalidField,
} from '@app/publishing';
import { type Request } from 'express';
import { Audit } from '../../audit/audit.decorator';
import { type AdminPrincipal } from '../../auth/admin-principal';
import { CurrentAdmin } from '../../auth/current-admin.decorator';
import { actorOf } from '../common/admin-actor';
import { AdminErrorDto } from '../common/admin-error.dto';
import { AdminOperationsApi } from '../common/admin-operation.decorator';
import { bodyOf, queryOf } from '../common/request-input';
import {
  DELIVERY_STATUS_VALUES,
  DeliveryDetailDto,
  DeliveryDto,
  DeliveryPageDto,
  RetryDeadDto,
  RetryDeadResultDto,
} from './delivery.dto';

/** CLR deliveries to targets: find them, inspect one, send dead or rejected ones again. */
@AdminOperationsApi('deliveries')
@Controller('admin/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveryOperations) {}

  @Get()
  @ApiOperation({ summary: 'List deliveries, newest first' })
  @ApiQuery({
    name: 'status',
    required: false,
    description: `One of ${DELIVERY_STATUS_VALUES.join(', ')}, or several comma-separated`,
  })
  @ApiQuery({ name: 'target', required: false, description: "The target's name" })
  @ApiQuery({
    name: 'learnerRef',
    required: false,
    description: 'A learner ref (32 hex digits), never a SIS id',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiQuery({ name: 'offset', required: false, description: 'default 0' })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiBadRequestResponse({
    type: AdminErrorDto,
    description: 'status, learnerRef, limit or offset malformed',
  })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'target_not_found' })
  list(@Query() raw: unknown): Promise<Page<DeliveryView>> {
    const query = queryOf(raw);
    return this.deliveries.list({
      status: query.status,
      target: query.target,
      learnerRef: query.learnerRef,
      limit: query.limit,
      offset: query.offset,
    });
  }

  // Declared before ':id' routes so the literal path is not taken for an id.
  @Post('retry-dead')
  @HttpCode(202)
  @Audit({ subject: (req) => (req.body as { target?: string } | undefined)?.target })
  @ApiOperation({
    summary: 'Send every dead delivery again (of one target, when named)',
    description: 'Back to pending and queued; deliveries of disabled targets stay dead.',
  })
  @ApiAcceptedResponse({ type: RetryDeadResultDto })
  @ApiBadRequestResponse({ type: AdminErrorDto, description: 'target malformed' })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'target_not_found' })
  @ApiConflictResponse({ type: AdminErrorDto, description: 'target_disabled' })
  retryDead(
    @Body() body: RetryDeadDto,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<RetryDeadResult> {
    const { target } = bodyOf(body, ['target']);
    if (target !== undefined && (typeof target !== 'string' || target === '')) {
      throw invalidField('target', "must be a target's name");
    }
    return this.deliveries.retryDead({ ...(target !== undefined ? { target } : {}) }, actorOf(admin, req));
  }

  @Get(':id')
  @ApiOperation({ summary: "One delivery, with the provider's last error body" })
  @ApiOkResponse({ type: DeliveryDetailDto })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'delivery_not_found' })
  get(@Param('id') id: string): Promise<DeliveryDetailView> {
    return this.deliveries.get(id);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @Audit({ subject: 'id' })
  @ApiOperation({
    summary: 'Send a dead or rejected delivery again',
    description: 'Back to pending (attempts kept) and queued.',
  })
  @ApiAcceptedResponse({ type: DeliveryDto })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'delivery_not_found' })
  @ApiConflictResponse({
    type: AdminErrorDto,
    description: 'not_retryable (not dead or rejected), target_disabled',
  })
  retry(
    @Param('id') id: string,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<DeliveryView> {
    return this.deliveries.retry(id, actorOf(admin, req));
  }
}
