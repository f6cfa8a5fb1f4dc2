import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { PublicClrReader } from '@app/publishing';
import { negotiateMediaType } from './content-negotiation';
import { sendDocument } from './document-response';
import { PublicExceptionFilter } from './public-exception.filter';
import { PublicHttpError } from './public-http.error';

/**
 * getDiscoveryDocument. CLR 1.0 serves it "if the provider supports dynamic CLR consumer
 * registration": the publisher has no authorization server of its own, so it serves one only
 * when `providerApi.discovery` names that server's endpoints, and answers 404 otherwise.
 */
@Controller('ims/clr/v1p0/discovery')
@UseFilters(PublicExceptionFilter)
export class DiscoveryController {
  constructor(private readonly reader: PublicClrReader) {}

  @Get()
  getDiscoveryDocument(@Req() request: Request, @Res() response: Response): void {
    const mediaType = negotiateMediaType(request);
    const document = this.reader.discovery();
    if (document === null) throw PublicHttpError.notFound();
    sendDocument(request, response, { body: document, mediaType, cache: 'discovery' });
  }
}
