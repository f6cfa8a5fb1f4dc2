import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  type RunDetailView,
  type RunListItem,
  RunOperations,
  type RunResumeView,
  type RunView,
  type Page,
} from '@app/publishing';
import { type Request } from 'express';
import { Audit } from '../../audit/audit.decorator';
import { type AdminPrincipal } from '../../auth/admin-principal';
import { CurrentAdmin } from '../../auth/current-admin.decorator';
import { actorOf } from '../common/admin-actor';
import { AdminOperationsApi } from '../common/admin-operation.decorator';
import { AdminErrorDto } from '../common/admin-error.dto';
import { bodyOf, queryOf } from '../common/request-input';
import { CancelRunDto, RunDetailDto, RunDto, RunPageDto, RunResumeDto, StartRunDto } from './run.dto';

/** Sync runs: start one, list them, follow one, cancel one, queue an active one's work again. */
@AdminOperationsApi('runs')
@Controller('admin/runs')
export class RunsController {
  constructor(private readonly runs: RunOperations) {}

  @Post()
  @HttpCode(202)
  @Audit({ subject: (_req, result) => (result as RunView | undefined)?.id })
  @ApiOperation({
    summary: 'Start a sync run',
    description:
      'Queues a full or incremental run of a SIS source (default the first configured). 409 when the ' +
      'source has an active run: the message and `details.activeRunId` name it.',
  })
  @ApiAcceptedResponse({ type: RunDto, description: 'The run, queued' })
  @ApiBadRequestResponse({
    type: AdminErrorDto,
    description: 'mode, source or force malformed (details.field)',
  })
  @ApiConflictResponse({ type: AdminErrorDto, description: 'run_conflict: the source has an active run' })
  @ApiUnprocessableEntityResponse({ type: AdminErrorDto, description: 'unknown_source' })
  start(
    @Body() body: StartRunDto,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<RunView> {
    const input = bodyOf(body, ['source', 'mode', 'force']);
    return this.runs.start(
      {
        source: input.source as string | undefined,
        mode: input.mode as string,
        force: input.force as boolean | undefined,
      },
      actorOf(admin, req),
    );
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Audit({ subject: 'id' })
  @ApiOperation({
    summary: 'Cancel a queued or running run',
    description:
      'Ends the run as cancelled and frees its source for the next run; its jobs still queued find it ' +
      'finished and do nothing. Learners already built stay published.',
  })
  @ApiOkResponse({ type: RunDto, description: 'The run, cancelled' })
  @ApiBadRequestResponse({ type: AdminErrorDto, description: 'reason malformed (details.field)' })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'run_not_found' })
  @ApiConflictResponse({ type: AdminErrorDto, description: 'run_not_active: the run is over' })
  cancel(
    @Param('id') id: string,
    @Body() body: CancelRunDto,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<RunView> {
    return this.runs.cancel(id, bodyOf(body, ['reason']).reason as string | undefined, actorOf(admin, req));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Audit({ subject: 'id' })
  @ApiOperation({
    summary: "Queue an active run's work again",
    description:
      'Queues the extraction (unless done) and the jobs of pending batches that are no longer queued: ' +
      'lost with Redis, or failed for good. Jobs still queued are left alone.',
  })
  @ApiOkResponse({ type: RunResumeDto })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'run_not_found' })
  @ApiConflictResponse({ type: AdminErrorDto, description: 'run_not_active: the run is over' })
  resume(
    @Param('id') id: string,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<RunResumeView> {
    return this.runs.resume(id, actorOf(admin, req));
  }

  @Get()
  @ApiOperation({ summary: 'List runs, newest first' })
  @ApiQuery({ name: 'source', required: false })
  @ApiQuery({ name: 'status', required: false, description: 'One status or several, comma-separated' })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiQuery({ name: 'offset', required: false, description: 'default 0' })
  @ApiOkResponse({ type: RunPageDto })
  @ApiBadRequestResponse({ type: AdminErrorDto, description: 'status, limit or offset malformed' })
  list(@Query() raw: unknown): Promise<Page<RunListItem>> {
    const query = queryOf(raw);
    return this.runs.list({
      source: query.source,
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    });
  }

  @Get(':id')
  @ApiOperation({ summary: "A run's progress, counters and problems (a page at a time, oldest first)" })
  @ApiQuery({ name: 'problemsAfter', required: false, description: 'problems.next of the previous page' })
  @ApiQuery({ name: 'problemsLimit', required: false, description: '1-500, default 50' })
  @ApiOkResponse({ type: RunDetailDto })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'run_not_found' })
  detail(@Param('id') id: string, @Query() raw: unknown): Promise<RunDetailView> {
    const query = queryOf(raw);
    return this.runs.detail(id, { problemsAfter: query.problemsAfter, problemsLimit: query.problemsLimit });
  }
}
