import { type Request } from 'express';
import { CLR_MEDIA_TYPE } from '@app/clr';
import { PublicHttpError } from './public-http.error';

/** What the public endpoints answer with, best first. */
const OFFERED = [CLR_MEDIA_TYPE, 'application/json'] as const;
export type PublicMediaType = (typeof OFFERED)[number];

/**
 * The media type of the answer: `application/ld+json` (CLR 1.0) whenever the `Accept` header
 * allows it (absent, `*\/*` and `application/*` do), `application/json` for clients that accept
 * only that (Open Credential Publisher asks for it on discovery), 406 otherwise. Quality values
 * count: `application/ld+json;q=0` refuses it.
 */
export function negotiateMediaType(request: Request): PublicMediaType {
  const chosen = request.accepts([...OFFERED]);
  if (chosen === CLR_MEDIA_TYPE || chosen === 'application/json') return chosen;
  throw new PublicHttpError(406, `The Accept header must allow ${CLR_MEDIA_TYPE} or application/json`, {
    codeMinor: 'not_acceptable',
  });
}
