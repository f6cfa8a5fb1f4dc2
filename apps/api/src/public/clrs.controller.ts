import { Controller, Get, Inject, Param, Req, Res, UseFilters } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { CLR_API_PATH } from '@app/clr';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ProviderAccessVerifier, PublicClrReader, parseClrPageQuery } from '@app/publishing';
import { negotiateMediaType } from './content-negotiation';
import { sendDocument } from './document-response';
import { paginationLinks } from './pagination-links';
import { requireProviderAccess } from './provider-access';
import { PublicExceptionFilter } from './public-exception.filter';
import { PublicHttpError } from './public-http.error';

/**
 * getClrs and getClr: the publisher as a CLR provider, read only. Every request needs a bearer
 * token with the readonly scope first (so nobody learns whether a CLR exists without one), then
 * an acceptable `Accept`, then a valid query. postClr and deleteClr are not offered (405).
 */
@Controller('ims/clr/v1p0/clrs')
@UseFilters(PublicExceptionFilter)
export class ClrsController {
  private readonly clrsUrl: string;

  constructor(
    private readonly reader: PublicClrReader,
    private readonly verifier: ProviderAccessVerifier,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.clrsUrl = `${config.publicBaseUrl}${CLR_API_PATH}/clrs`;
  }

  /** One page of CLRs as a ClrSet, with `X-Total-Count` and `Link` (first, last, next, prev). */
  @Get()
  async getClrs(@Req() request: Request, @Res() response: Response): Promise<void> {
    await requireProviderAccess(this.verifier, request);
    const mediaType = negotiateMediaType(request);
    const parsed = parseClrPageQuery(request.query);
    if (!parsed.ok) throw new PublicHttpError(400, parsed.problem, { codeMinor: 'invalid_query_parameter' });
    const page = await this.reader.clrPage(parsed.query);
    sendDocument(request, response, {
      body: page.set,
      mediaType,
      cache: 'providerRead',
      headers: {
        'X-Total-Count': String(page.total),
        Link: paginationLinks(this.clrsUrl, parsed.query, page.total),
      },
    });
  }

  /** The latest version of one CLR as a Clr with `@context`; 410 Gone with a stub when revoked. */
  @Get(':id')
  async getClr(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await requireProviderAccess(this.verifier, request);
    const mediaType = negotiateMediaType(request);
    const read = await this.reader.clr(id);
    if (read.status === 'unknown') throw PublicHttpError.notFound();
    sendDocument(request, response, {
      status: read.status === 'revoked' ? 410 : 200,
      body: read.document,
      mediaType,
      cache: 'providerRead',
    });
  }
}
