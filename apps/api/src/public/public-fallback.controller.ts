import { All, Controller, Req, UseFilters } from '@nestjs/common';
import { type Request } from 'express';
import { PublicExceptionFilter } from './public-exception.filter';
import { PublicHttpError } from './public-http.error';

/**
 * Whatever else arrives below `/ims/clr/v1p0` gets an `imsx_StatusInfo` answer too: 405 for
 * postClr and deleteClr (this publisher serves CLRs, it does not take them), the one 404
 * otherwise (no listing of keys, assertions or profiles). Registered after the real endpoints.
 */
@Controller('ims/clr/v1p0')
@UseFilters(PublicExceptionFilter)
export class PublicFallbackController {
  @All(['clrs', 'clrs/:id'])
  clrsMethod(@Req() request: Request): never {
    if (request.method === 'GET' || request.method === 'HEAD') throw PublicHttpError.notFound();
    throw new PublicHttpError(405, 'This publisher offers getClrs and getClr only', {
      codeMinor: 'not_allowed',
      headers: { Allow: 'GET, HEAD' },
    });
  }

  @All(['', '*path'])
  unknown(): never {
    throw PublicHttpError.notFound();
  }
}
