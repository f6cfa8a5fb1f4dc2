import { Controller, Get, Inject, Param, Req, Res, UseFilters } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { PUBLIC_KEY_DOCUMENTS, type PublicKeyDocuments } from '@app/publishing';
import { negotiateMediaType } from './content-negotiation';
import { sendDocument } from './document-response';
import { PublicExceptionFilter } from './public-exception.filter';
import { PublicHttpError } from './public-http.error';

/** getRevocationList: each issuer Profile's RevocationList (no auth). */
@Controller('ims/clr/v1p0/revocations')
@UseFilters(PublicExceptionFilter)
export class RevocationsController {
  constructor(@Inject(PUBLIC_KEY_DOCUMENTS) private readonly documents: PublicKeyDocuments) {}

  @Get(':id')
  async getRevocationList(
    @Param('id') id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const mediaType = negotiateMediaType(request);
    const document = await this.documents.revocationList(id);
    if (document === null) throw PublicHttpError.notFound();
    sendDocument(request, response, { body: document, mediaType, cache: 'revocationList' });
  }
}
