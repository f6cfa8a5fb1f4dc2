import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { CliInputError, CliUsageError } from '../cli.errors';

/** Where `verify` reads its document from. */
export type DocumentSource = { type: 'stdin' } | { type: 'file'; path: string } | { type: 'url'; url: URL };

/** The bytes read, or how large the input was when it exceeded the limit (unknown for streams). */
export type SourceContent = { ok: true; bytes: Buffer } | { ok: false; tooLarge: true; size?: number };

export interface ReadSourceOptions {
  /** Largest input read; anything longer is reported, not read. */
  maxBytes: number;
  /** Whole-request timeout for a URL. */
  timeoutMs: number;
  stdin: Readable;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** `-` is stdin, `http(s)://...` a URL, anything else a file path. */
export function parseDocumentSource(argument: string): DocumentSource {
  if (argument === '-') return { type: 'stdin' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(argument)) {
    let url: URL;
    try {
      url = new URL(argument);
    } catch {
      throw new CliUsageError('the source looks like a URL but is not a valid one', 'verify');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new CliUsageError(`only http and https URLs can be read, not ${url.protocol}`, 'verify');
    }
    return { type: 'url', url };
  }
  return { type: 'file', path: argument };
}

/** A URL fit for messages: no credentials, no query (it may carry tokens or ids). */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
}

/** Describes the source in messages. */
export function describeSource(source: DocumentSource): string {
  switch (source.type) {
    case 'stdin':
      return 'standard input';
    case 'file':
      return source.path;
    case 'url':
      return displayUrl(source.url);
  }
}

/**
 * Reads a document from a file, a URL or stdin, never more than `maxBytes` (+1 to tell that it
 * is longer). Throws {@link CliInputError} when the source cannot be read at all.
 */
export async function readDocumentSource(
  source: DocumentSource,
  options: ReadSourceOptions,
): Promise<SourceContent> {
  switch (source.type) {
    case 'stdin':
      return readStream(source, options.stdin, options.maxBytes);
    case 'file':
      return readFileBounded(source.path, options.maxBytes);
    case 'url':
      return readUrl(source.url, options);
  }
}

async function readFileBounded(path: string, maxBytes: number): Promise<SourceContent> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new CliInputError(`cannot read ${path}: ${errnoText(error)}`);
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new CliInputError(`cannot read ${path}: it is a directory`);
    if (stats.isFile() && stats.size > maxBytes) return { ok: false, tooLarge: true, size: stats.size };
    // Not a regular file (a FIFO, /dev/stdin ...): read it as a stream, bounded all the same.
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) return { ok: false, tooLarge: true };
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    }
    return { ok: true, bytes: Buffer.concat(chunks) };
  } catch (error) {
    if (error instanceof CliInputError) throw error;
    throw new CliInputError(`cannot read ${path}: ${errnoText(error)}`);
  } finally {
    await handle.close();
  }
}

async function readStream(
  source: DocumentSource,
  stream: Readable,
  maxBytes: number,
): Promise<SourceContent> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      total += bytes.length;
      // Leaving the loop destroys the stream: nothing more is read.
      if (total > maxBytes) return { ok: false, tooLarge: true };
      chunks.push(bytes);
    }
  } catch (error) {
    throw new CliInputError(`cannot read ${describeSource(source)}: ${errnoText(error)}`);
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

async function readUrl(url: URL, options: ReadSourceOptions): Promise<SourceContent> {
  const shown = displayUrl(url);
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      headers: { accept: 'application/ld+json, application/json;q=0.9, application/jwt;q=0.8, */*;q=0.1' },
      redirect: 'follow',
      signal,
    });
  } catch (error) {
    if (signal.aborted)
      throw new CliInputError(`no response from ${shown} within ${options.timeoutMs / 1000} s`);
    throw new CliInputError(`cannot fetch ${shown}: ${fetchFailure(error)}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new CliInputError(`cannot fetch ${shown}: HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    await response.body?.cancel();
    return { ok: false, tooLarge: true, size: declared };
  }
  if (response.body === null) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > options.maxBytes) {
        await reader.cancel();
        return { ok: false, tooLarge: true };
      }
      chunks.push(Buffer.from(value));
    }
  } catch (error) {
    if (signal.aborted) {
      throw new CliInputError(`no complete response from ${shown} within ${options.timeoutMs / 1000} s`);
    }
    throw new CliInputError(`cannot fetch ${shown}: ${fetchFailure(error)}`);
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/** `ENOENT (no such file or directory)`: the errno code and its meaning, never a stack. */
function errnoText(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a part of the path is not a directory',
  };
  if (typeof code === 'string') return known[code] ? `${known[code]} (${code})` : code;
  return error instanceof Error ? error.name : 'read failed';
}

/** fetch rejects with "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND ...) is in `cause`. */
function fetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message.slice(0, 200);
  return error instanceof Error ? error.message.slice(0, 200) : 'request failed';
}
