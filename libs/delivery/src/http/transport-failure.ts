/** Why an HTTP exchange produced no response. */
export type TransportFailureKind =
  'timeout' | 'connection_refused' | 'connection_reset' | 'dns' | 'network' | 'aborted';

/** A request that got no HTTP response: always worth retrying later, except `aborted`. */
export class TransportFailure extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    /** The system error code (`ECONNREFUSED` ...), when there is one. */
    readonly code?: string,
    message?: string,
  ) {
    super(message ?? `${kind.replace('_', ' ')}${code !== undefined ? ` (${code})` : ''}`);
    this.name = 'TransportFailure';
  }
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Classifies what `fetch` (undici) or a body read threw. undici reports network errors as
 * `TypeError('fetch failed')` with the system error as `cause`; `AbortSignal.timeout` aborts
 * with a `TimeoutError`.
 */
export function classifyTransportError(error: unknown, timeoutMs: number): TransportFailure {
  if (error instanceof TransportFailure) return error;
  const name = error instanceof Error || isDomException(error) ? (error as { name: string }).name : '';
  if (name === 'TimeoutError')
    return new TransportFailure('timeout', undefined, `timed out after ${timeoutMs} ms`);
  if (name === 'AbortError') return new TransportFailure('aborted', undefined, 'request aborted');
  const code = systemCode(error);
  if (code === undefined) return new TransportFailure('network', undefined, 'network error');
  if (code === 'ECONNREFUSED')
    return new TransportFailure('connection_refused', code, `connection refused (${code})`);
  if (RESET_CODES.has(code))
    return new TransportFailure('connection_reset', code, `connection reset (${code})`);
  if (DNS_CODES.has(code)) return new TransportFailure('dns', code, `host name not resolved (${code})`);
  if (TIMEOUT_CODES.has(code)) return new TransportFailure('timeout', code, `timed out (${code})`);
  return new TransportFailure('network', code, `network error (${code})`);
}

function isDomException(error: unknown): boolean {
  return typeof DOMException !== 'undefined' && error instanceof DOMException;
}

/** The first `code` on the error or its `cause` chain that looks like a system error code. */
function systemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      // AggregateError from happy-eyeballs connects: the first attempt's code speaks for all.
      current = errors[0];
      continue;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
