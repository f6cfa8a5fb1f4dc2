import { Controller, Get, Inject, Param, Req, Res, UseFilters } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { PUBLIC_KEY_DOCUMENTS, type PublicKeyDocuments } from '@app/publishing';
import { negotiateMediaType } from './content-negotiation';
import { sendDocument } from './document-response';
import { PublicExceptionFilter } from './public-exception.filter';
import { PublicHttpError } from './public-http.error';

/** getKey: the CryptographicKey documents signatures point at (no auth). */
@Controller('ims/clr/v1p0/keys')
@UseFilters(PublicExceptionFilter)
export class KeysController {
  constructor(@Inject(PUBLIC_KEY_DOCUMENTS) private readonly documents: PublicKeyDocuments) {}

  @Get(':id')
  async getKey(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const mediaType = negotiateMediaType(request);
    const document = await this.documents.keyDocument(id);
    if (document === null) throw PublicHttpError.notFound();
    sendDocument(request, response, { body: document, mediaType, cache: 'key' });
  }
}
