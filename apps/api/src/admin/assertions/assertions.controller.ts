import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
} from '@nestjs/swagger';
import { type AssertionChangeResult, AssertionOperations, type AssertionView } from '@app/publishing';
import { type Request } from 'express';
import { Audit } from '../../audit/audit.decorator';
import { type AdminPrincipal } from '../../auth/admin-principal';
import { CurrentAdmin } from '../../auth/current-admin.decorator';
import { actorOf } from '../common/admin-actor';
import { AdminErrorDto } from '../common/admin-error.dto';
import { AdminOperationsApi } from '../common/admin-operation.decorator';
import { bodyOf } from '../common/request-input';
import { AssertionChangeDto, AssertionDto, AssertionReasonDto } from './assertion.dto';

const ASSERTION_PARAM = {
  name: 'assertion',
  description: "The assertion's id: its URL (URL-encoded) or the URL's last segment (32 hex digits)",
};

/**
 * One assertion in the ledger; revoke or reinstate it. Revoking puts it on its issuer's
 * revocation list at once (the hosted assertion answers 410) and keeps it revoked through later
 * builds although its SIS record exists; both republish the learner's CLR (forced) so the next
 * version omits or includes it.
 */
@AdminOperationsApi('assertions')
@Controller('admin/assertions')
export class AssertionsController {
  constructor(private readonly assertions: AssertionOperations) {}

  @Get(':assertion')
  @ApiOperation({ summary: 'An assertion as the ledger has it' })
  @ApiParam(ASSERTION_PARAM)
  @ApiOkResponse({ type: AssertionDto })
  @ApiBadRequestResponse({ type: AdminErrorDto, description: 'not an assertion id' })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'assertion_not_found' })
  get(@Param('assertion') assertion: string): Promise<AssertionView> {
    return this.assertions.get(assertion);
  }

  @Post(':assertion/revoke')
  @HttpCode(200)
  @Audit({ subject: (req) => (req.params as Record<string, string>).assertion })
  @ApiOperation({ summary: 'Revoke an assertion with a reason, and republish its learner' })
  @ApiParam(ASSERTION_PARAM)
  @ApiOkResponse({ type: AssertionChangeDto })
  @ApiBadRequestResponse({
    type: AdminErrorDto,
    description: 'reason missing or too long; not an assertion id',
  })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'assertion_not_found' })
  @ApiConflictResponse({ type: AdminErrorDto, description: 'already_revoked (by an operator)' })
  revoke(
    @Param('assertion') assertion: string,
    @Body() body: AssertionReasonDto,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<AssertionChangeResult> {
    return this.assertions.revoke(assertion, bodyOf(body, ['reason']).reason, actorOf(admin, req));
  }

  @Post(':assertion/reinstate')
  @HttpCode(200)
  @Audit({ subject: (req) => (req.params as Record<string, string>).assertion })
  @ApiOperation({ summary: "Take back an operator's revocation, and republish the learner" })
  @ApiParam(ASSERTION_PARAM)
  @ApiOkResponse({ type: AssertionChangeDto })
  @ApiBadRequestResponse({
    type: AdminErrorDto,
    description: 'reason missing or too long; not an assertion id',
  })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'assertion_not_found' })
  @ApiConflictResponse({
    type: AdminErrorDto,
    description: 'not_revoked; revoked_by_build (its SIS record is gone: only the SIS brings it back)',
  })
  reinstate(
    @Param('assertion') assertion: string,
    @Body() body: AssertionReasonDto,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<AssertionChangeResult> {
    return this.assertions.reinstate(assertion, bodyOf(body, ['reason']).reason, actorOf(admin, req));
  }
}
