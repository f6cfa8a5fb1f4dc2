import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type RepublishRequest, RepublishOperations, type RepublishResult } from '@app/publishing';
import { type Request } from 'express';
import { Audit } from '../../audit/audit.decorator';
import { type AdminPrincipal } from '../../auth/admin-principal';
import { CurrentAdmin } from '../../auth/current-admin.decorator';
import { actorOf } from '../common/admin-actor';
import { AdminErrorDto } from '../common/admin-error.dto';
import { AdminOperationsApi } from '../common/admin-operation.decorator';
import { bodyOf } from '../common/request-input';
import { RepublishDto, RepublishResultDto } from './republish.dto';

/** Rebuild and re-sign chosen learners' CLRs now (a forced republish run). */
@AdminOperationsApi('republish')
@Controller('admin/republish')
export class RepublishController {
  constructor(private readonly republishing: RepublishOperations) {}

  @Post()
  @HttpCode(202)
  @Audit({ subject: (_req, result) => (result as RepublishResult | undefined)?.run.id })
  @ApiOperation({
    summary: 'Republish learners',
    description:
      'One learner, a list, every learner holding an achievement, or everyone: a republish run that signs ' +
      'new versions even where nothing changed, and delivers them. 409 when the source has an active run.',
  })
  @ApiAcceptedResponse({ type: RepublishResultDto })
  @ApiBadRequestResponse({
    type: AdminErrorDto,
    description: 'no selector, several, or a malformed one (details.field)',
  })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'achievement_not_found, learner_not_found' })
  @ApiConflictResponse({ type: AdminErrorDto, description: 'run_conflict: the source has an active run' })
  @ApiUnprocessableEntityResponse({
    type: AdminErrorDto,
    description: 'nothing_to_republish, too_many_learners, unknown_source',
  })
  republish(
    @Body() body: RepublishDto,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<RepublishResult> {
    return this.republishing.republish(
      bodyOf(body, ['source', 'learnerIds', 'learnerRefs', 'achievementId', 'all']) as RepublishRequest,
      actorOf(admin, req),
    );
  }
}
