import { parseJsonDocument } from '../json/parse-json-document';
import { CLR_SIGNING_ALGORITHM } from '../model';
import { isObject } from '../validation/semantics/model-walker';

/** Default longest JWS accepted: 16 MiB of text (a large transcript signs to a few MiB). */
export const DEFAULT_MAX_JWS_LENGTH = 16 * 1024 * 1024;
/** Deepest JSON nesting accepted in a payload (a CLR needs about 10). */
const MAX_PAYLOAD_DEPTH = 64;
const MAX_HEADER_LENGTH = 4096;

/** A compact JWS split and parsed, before any signature check. */
export interface DecodedJws {
  header: Record<string, unknown>;
  /** The parsed payload, always a JSON object. */
  payload: Record<string, unknown>;
}

export type JwsDecodeResult = { ok: true; jws: DecodedJws } | { ok: false; reason: string };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ALG_NONE_REASON = 'alg "none" (an unsigned JWS) is not accepted: CLR signatures must be RS256';

/**
 * Splits and parses a JWS Compact Serialization without trusting it: type, length, segment
 * count and alphabet are checked before anything is decoded, the header must be a JSON object,
 * and the payload is parsed with the same guards as any untrusted document (size, depth,
 * duplicate or `__proto__` keys). Never throws; the reason names the part at fault and never
 * echoes its content.
 */
export function decodeCompactJws(value: unknown, maxLength = DEFAULT_MAX_JWS_LENGTH): JwsDecodeResult {
  if (typeof value !== 'string') {
    return fail(
      `expected a compact JWS string, found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  if (value.length > maxLength) {
    return fail(`the JWS is ${value.length} characters, longer than the limit of ${maxLength}`);
  }
  const segments = value.split('.');
  if (segments.length === 5)
    return fail('this is a JWE (5 segments), not a JWS: encrypted CLRs are not accepted');
  if (segments.length !== 3) {
    return fail(`a compact JWS has 3 dot-separated segments, this has ${segments.length}`);
  }
  const [header, payload, signature] = segments as [string, string, string];
  for (const [name, segment] of [
    ['header', header],
    ['payload', payload],
    ['signature', signature],
  ] as const) {
    if (segment.length === 0) {
      if (name !== 'signature') return fail(`the ${name} segment is empty`);
      // An unsigned JWS usually says so in its header: name the algorithm when it does.
      return fail(
        unsignedHeaderAlg(header) === 'none'
          ? ALG_NONE_REASON
          : 'the signature segment is empty (an unsigned JWS)',
      );
    }
    if (!BASE64URL.test(segment) || segment.length % 4 === 1) {
      return fail(`the ${name} segment is not base64url`);
    }
  }
  if (header.length > MAX_HEADER_LENGTH)
    return fail(`the header segment is longer than ${MAX_HEADER_LENGTH} characters`);

  const parsedHeader = parseJsonDocument(Buffer.from(header, 'base64url'), { maxDepth: 8 });
  if (!parsedHeader.ok || !isObject(parsedHeader.value)) return fail('the JOSE header is not a JSON object');

  const parsedPayload = parseJsonDocument(Buffer.from(payload, 'base64url'), {
    maxBytes: maxLength,
    maxDepth: MAX_PAYLOAD_DEPTH,
  });
  if (!parsedPayload.ok) {
    const first = parsedPayload.findings[0];
    return fail(`the payload is not acceptable JSON${first ? ` (${first.path}: ${first.reason})` : ''}`);
  }
  if (!isObject(parsedPayload.value)) return fail('the payload is not a JSON object');
  return { ok: true, jws: { header: parsedHeader.value, payload: parsedPayload.value } };
}

/**
 * Why a JOSE header is refused, or undefined when it is acceptable: the algorithm must be RS256
 * (not `none`, not HMAC, nothing else), and no critical extension may be requested.
 */
export function joseHeaderProblem(header: Record<string, unknown>): string | undefined {
  const { alg } = header;
  if (alg === undefined) return 'the JOSE header has no "alg"';
  if (typeof alg !== 'string') return 'the JOSE header "alg" is not a string';
  if (alg.toLowerCase() === 'none') return ALG_NONE_REASON;
  if (/^HS\d+$/i.test(alg)) {
    return `HMAC algorithm ${safeToken(alg)} is not accepted: a shared-secret signature cannot be checked against a published key; CLR signatures must be RS256`;
  }
  if (alg !== CLR_SIGNING_ALGORITHM)
    return `algorithm ${safeToken(alg)} is not accepted: CLR signatures must be RS256`;
  if (header.crit !== undefined)
    return 'the JOSE header requests critical extensions ("crit"), which are not supported';
  if (header.kid !== undefined && typeof header.kid !== 'string')
    return 'the JOSE header "kid" is not a string';
  return undefined;
}

/** A header value fit to quote in a reason: short and plain, or a placeholder. */
export function safeToken(value: string): string {
  return /^[A-Za-z0-9._~:/#@+-]{1,200}$/.test(value) ? value : '(unprintable value)';
}

/** The lower-cased `alg` of a header segment, if it decodes to an object with one. */
function unsignedHeaderAlg(header: string): string | undefined {
  if (!BASE64URL.test(header) || header.length > MAX_HEADER_LENGTH) return undefined;
  const parsed = parseJsonDocument(Buffer.from(header, 'base64url'), { maxDepth: 8 });
  const alg = parsed.ok && isObject(parsed.value) ? parsed.value.alg : undefined;
  return typeof alg === 'string' ? alg.toLowerCase() : undefined;
}

function fail(reason: string): JwsDecodeResult {
  return { ok: false, reason };
}
