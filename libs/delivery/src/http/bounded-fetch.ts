import { classifyTransportError } from './transport-failure';

/** Most bytes of a discarded body read (and dropped) to keep the connection; more and it is cancelled. */
const DISCARD_READ_BYTES = 1024 * 1024;

export interface BoundedFetchOptions {
  /** Whole exchange (connect, headers, body), ms. */
  timeoutMs: number;
  /** Most body bytes read; the rest is discarded and `truncated` set. */
  maxResponseBytes: number;
  /**
   * Do not keep the body (it is read and dropped up to 1 MiB, then cancelled): always, or for the
   * statuses the function picks.
   */
  discardBody?: boolean | ((status: number) => boolean);
  /** Caller's cancellation, combined with the timeout. */
  signal?: AbortSignal;
}

export interface BoundedResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  truncated: boolean;
}

/**
 * `fetch` with one deadline over the whole exchange and a bound on the bytes read, never
 * following redirects (a redirect must not carry a bearer token or client secret elsewhere).
 *
 * @throws TransportFailure when no complete response arrived (timeout, refused, reset, DNS).
 */
export async function boundedFetch(
  url: URL,
  init: Omit<RequestInit, 'signal' | 'redirect'>,
  options: BoundedFetchOptions,
): Promise<BoundedResponse> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  try {
    const response = await fetch(url, { ...init, signal, redirect: 'manual' });
    const discard =
      typeof options.discardBody === 'function'
        ? options.discardBody(response.status)
        : options.discardBody === true;
    if (discard || response.body === null) {
      if (response.body !== null) await readAtMost(response.body, DISCARD_READ_BYTES, false);
      return { status: response.status, headers: response.headers, body: Buffer.alloc(0), truncated: false };
    }
    const { body, truncated } = await readAtMost(response.body, options.maxResponseBytes);
    return { status: response.status, headers: response.headers, body, truncated };
  } catch (error) {
    throw classifyTransportError(error, options.timeoutMs);
  }
}

/**
 * Reads a body up to `maxBytes` (then cancels the rest, `truncated`), keeping what it read, or,
 * with `keep: false`, dropping it: a discarded body read to its end leaves the connection free
 * for the next request, a cancelled one closes it.
 */
async function readAtMost(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  keep = true,
): Promise<{ body: Buffer; truncated: boolean }> {
  const reader = stream.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { body: Buffer.concat(chunks), truncated: false };
      const room = maxBytes - size;
      if (value.byteLength > room) {
        if (keep) chunks.push(Buffer.from(value.subarray(0, room)));
        await reader.cancel().catch(() => undefined);
        return { body: Buffer.concat(chunks), truncated: true };
      }
      if (keep) chunks.push(Buffer.from(value));
      size += value.byteLength;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Parses a JSON body; `undefined` when it is empty, truncated or not JSON. */
export function jsonBody(response: BoundedResponse): unknown {
  if (response.truncated || response.body.length === 0) return undefined;
  try {
    return JSON.parse(response.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
