import { type Request } from 'express';
import { ProviderHttpError } from './provider-http.error';

/** The media type of a `Content-Type` header, lower-cased, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/** The `charset` parameter of a `Content-Type` header, lower-cased. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

/**
 * Reads a request body of at most `maxBytes`. Bodies are read here rather than by a global
 * body parser so that each endpoint decides its media types and every failure gets the
 * endpoint's own error shape (imsx or OAuth).
 *
 * @throws ProviderHttpError 413 when the body is larger than `maxBytes`.
 */
export async function readBoundedBody(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number.parseInt(request.headers['content-length'] ?? '', 10);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    throw new ProviderHttpError(
      413,
      `Request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`,
      {
        codeMinor: 'invalid_data',
      },
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) {
      request.resume();
      throw new ProviderHttpError(413, `Request body exceeds the limit of ${maxBytes} bytes`, {
        codeMinor: 'invalid_data',
      });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a UTF-8 JSON body, or says why it is not JSON. */
export function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  const text = body.toString('utf8');
  if (text.trim() === '') return { ok: false, reason: 'empty body' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // V8's SyntaxError quotes the text around the error: it could be personal data.
    return { ok: false, reason: 'not valid JSON' };
  }
}

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [range, ...params] = part.split(';').map((piece) => piece.trim());
    if (!range) continue;
    const [type, subtype] = range.toLowerCase().split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((piece) => piece.trim());
      if (name?.toLowerCase() === 'q') {
        const parsed = Number.parseFloat(value ?? '');
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/**
 * Whether an `Accept` header admits `mediaType` (RFC 9110 §12.5.1): a missing header accepts
 * anything; otherwise the most specific matching range decides, and `q=0` refuses.
 */
export function accepts(acceptHeader: string | undefined, mediaType: string): boolean {
  if (acceptHeader === undefined || acceptHeader.trim() === '') return true;
  const [type, subtype] = mediaType.toLowerCase().split('/');
  let best: { specificity: number; q: number } | undefined;
  for (const range of parseAccept(acceptHeader)) {
    let specificity: number;
    if (range.type === type && range.subtype === subtype) specificity = 2;
    else if (range.type === type && range.subtype === '*') specificity = 1;
    else if (range.type === '*' && range.subtype === '*') specificity = 0;
    else continue;
    if (best === undefined || specificity > best.specificity) best = { specificity, q: range.q };
  }
  return best !== undefined && best.q > 0;
}
