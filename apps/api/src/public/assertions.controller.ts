import { Controller, Get, Param, Req, Res, UseFilters } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { PublicClrReader } from '@app/publishing';
import { negotiateMediaType } from './content-negotiation';
import { sendDocument } from './document-response';
import { PublicExceptionFilter } from './public-exception.filter';
import { PublicHttpError } from './public-http.error';

/**
 * getAssertion: hosted Assertion verification (no auth). A revoked Assertion answers 410 Gone
 * with `{ @context, id, type, revoked: true }`, the form CLR 1.0 and Open Badges 2.0 give a
 * revoked Assertion, so a verifier reading the status or the body learns the same.
 */
@Controller('ims/clr/v1p0/assertions')
@UseFilters(PublicExceptionFilter)
export class AssertionsController {
  constructor(private readonly reader: PublicClrReader) {}

  @Get(':id')
  async getAssertion(
    @Param('id') id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const mediaType = negotiateMediaType(request);
    const read = await this.reader.assertion(id);
    if (read.status === 'unknown') throw PublicHttpError.notFound();
    sendDocument(request, response, {
      status: read.status === 'revoked' ? 410 : 200,
      body: read.document,
      mediaType,
      cache: 'assertion',
    });
  }
}

/**
 * An Achievement by its URL (no auth): CLR 1.0 has an achievement id that is a URL resolve to the
 * Achievement. Served as the latest version carrying an active assertion of it published it.
 */
@Controller('ims/clr/v1p0/achievements')
@UseFilters(PublicExceptionFilter)
export class AchievementsController {
  constructor(private readonly reader: PublicClrReader) {}

  @Get(':id')
  async getAchievement(
    @Param('id') id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const mediaType = negotiateMediaType(request);
    const read = await this.reader.achievement(id);
    if (read.status !== 'found') throw PublicHttpError.notFound();
    sendDocument(request, response, { body: read.document, mediaType, cache: 'assertion' });
  }
}
