import { createHash } from 'node:crypto';
import { type Request, type Response } from 'express';
import { type PublicMediaType } from './content-negotiation';

/**
 * How long each kind of public document may be cached. A key document never changes for its
 * URL; a Profile changes when the key rotates; a revocation list or a hosted Assertion must show
 * a revocation within a minute; a provider read is private and revalidated every time.
 */
export const CACHE_POLICIES = {
  key: 'public, max-age=86400',
  profile: 'public, max-age=3600',
  discovery: 'public, max-age=3600',
  revocationList: 'public, max-age=60',
  assertion: 'public, max-age=60',
  providerRead: 'private, no-cache',
} as const;
export type CachePolicy = keyof typeof CACHE_POLICIES;

export interface DocumentAnswer {
  status?: 200 | 410;
  body: unknown;
  mediaType: PublicMediaType;
  cache: CachePolicy;
  headers?: Record<string, string>;
}

/**
 * Sends a JSON document with a strong ETag (SHA-256 of media type and bytes, so the two
 * representations never share one) and its Cache-Control; a 200 whose ETag the client already
 * holds (`If-None-Match`, weak comparison as RFC 9110 asks) becomes a 304 without a body.
 * Public documents may be read from any origin (verifiers run in browsers); provider reads may not.
 */
export function sendDocument(request: Request, response: Response, answer: DocumentAnswer): void {
  const text = JSON.stringify(answer.body);
  const etag = strongEtag(answer.mediaType, text);
  const status = answer.status ?? 200;
  const headers: Record<string, string> = {
    ...answer.headers,
    ETag: etag,
    'Cache-Control': CACHE_POLICIES[answer.cache],
    Vary: answer.cache === 'providerRead' ? 'Accept, Authorization' : 'Accept',
  };
  if (answer.cache !== 'providerRead') headers['Access-Control-Allow-Origin'] = '*';
  response.set(headers);
  if (status === 200 && matchesIfNoneMatch(request.headers['if-none-match'], etag)) {
    response.status(304).end();
    return;
  }
  response.status(status).type(answer.mediaType).send(text);
}

export function strongEtag(mediaType: string, text: string): string {
  return `"${createHash('sha256').update(mediaType).update('\n').update(text).digest('base64url')}"`;
}

/** RFC 9110 §13.1.2: `*` or any listed tag equal to ours, ignoring weakness. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const ours = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag.replace(/^W\//, '') === ours);
}
