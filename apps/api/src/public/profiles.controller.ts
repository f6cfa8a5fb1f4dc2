import { Controller, Get, Param, Req, Res, UseFilters } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { PublicClrReader } from '@app/publishing';
import { negotiateMediaType } from './content-negotiation';
import { sendDocument } from './document-response';
import { PublicExceptionFilter } from './public-exception.filter';
import { PublicHttpError } from './public-http.error';

/**
 * Issuer and publisher Profiles (`/profiles/institution`, `/profiles/{h}`) with their
 * `publicKey` and `revocationList`: the ids every CLR uses resolve, as CLR 1.0 asks of Profile
 * ids that are URLs. Learner Profiles are `urn:uuid:` ids and are never served.
 */
@Controller('ims/clr/v1p0/profiles')
@UseFilters(PublicExceptionFilter)
export class ProfilesController {
  constructor(private readonly reader: PublicClrReader) {}

  @Get(':id')
  async getProfile(
    @Param('id') id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const mediaType = negotiateMediaType(request);
    const read = await this.reader.profile(id);
    if (read.status !== 'found') throw PublicHttpError.notFound();
    sendDocument(request, response, { body: read.document, mediaType, cache: 'profile' });
  }
}
