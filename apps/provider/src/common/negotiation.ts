import { type Request } from 'express';
import { CLR_MEDIA_TYPE } from '@app/clr';
import { accepts } from './http-body';
import { ProviderHttpError } from './provider-http.error';

/**
 * The media type to answer a CLR read with. CLR 1.0 answers `application/ld+json`; clients
 * that only accept `application/json` (OCP does so for discovery) get the same body labelled
 * `application/json`. Anything else is 406.
 */
export function negotiateJsonLd(request: Request, allowPlainJson: boolean): string {
  const header = request.headers.accept;
  if (accepts(header, CLR_MEDIA_TYPE)) return CLR_MEDIA_TYPE;
  if (allowPlainJson && accepts(header, 'application/json')) return 'application/json';
  throw new ProviderHttpError(
    406,
    `The Accept header must allow ${CLR_MEDIA_TYPE}${allowPlainJson ? ' or application/json' : ''}`,
    { codeMinor: 'not_acceptable' },
  );
}
