import { type CaseWarningCode } from './case-warning';

/** The subset of the WHATWG `fetch` the client uses; injectable for tests and proxies. */
export type FetchLike = (
  url: string,
  init: { method: 'GET'; headers: Record<string, string>; signal: AbortSignal },
) => Promise<Response>;

export interface CaseHttpLimits {
  timeoutMs: number;
  maxBytes: number;
}

/** What a GET of a CASE resource came to: JSON, not found, or a failure with its warning code. */
export type CaseHttpOutcome =
  | { kind: 'json'; body: unknown }
  | { kind: 'not-found' }
  | {
      kind: 'failed';
      code: Exclude<CaseWarningCode, 'invalid-uri' | 'unknown-item' | 'stale-cache'>;
      detail: string;
    };

class BodyTooLargeError extends Error {}

async function readBounded(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError();
  if (response.body === null) return Buffer.alloc(0);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * GETs one JSON resource from a CASE service with a bounded time (headers and body together)
 * and a bounded body size. Never throws: every failure becomes an outcome with a reason that
 * names the status or cause, never the body.
 */
export async function getCaseJson(
  fetchFn: FetchLike,
  url: string,
  headers: Readonly<Record<string, string>>,
  limits: CaseHttpLimits,
): Promise<CaseHttpOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);
  try {
    const response = await fetchFn(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...headers },
      signal: controller.signal,
    });
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'not-found' };
    }
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'failed', code: 'service-error', detail: `HTTP ${response.status}` };
    }
    const body = await readBounded(response, limits.maxBytes);
    try {
      return { kind: 'json', body: JSON.parse(body.toString('utf8')) as unknown };
    } catch {
      return { kind: 'failed', code: 'bad-response', detail: 'the body is not JSON' };
    }
  } catch (error) {
    if (timedOut)
      return { kind: 'failed', code: 'service-timeout', detail: `no answer within ${limits.timeoutMs} ms` };
    if (error instanceof BodyTooLargeError) {
      return {
        kind: 'failed',
        code: 'response-too-large',
        detail: `the body exceeds ${limits.maxBytes} bytes`,
      };
    }
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'failed', code: 'service-unreachable', detail: `${message}${cause}` };
  } finally {
    clearTimeout(timer);
  }
}
