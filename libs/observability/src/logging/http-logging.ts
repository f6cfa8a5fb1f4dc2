import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Logger } from 'pino';
import { type Options } from 'pino-http';
import { loggableError } from './safe-error';

/** Header carrying the request id, in and out. */
export const REQUEST_ID_HEADER = 'x-request-id';

// A caller's request id is kept only when it is short and plain (it lands in logs and bodies).
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id of an incoming request: the caller's `X-Request-Id` when sane, else a new UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && ACCEPTABLE_REQUEST_ID.test(value) ? value : randomUUID();
}

/** The path of a URL without its query string (queries may carry filters worth keeping out of logs). */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}

/** The request as logged: id, method and path. No headers, no query, no body, no address. */
export function serializeRequest(req: {
  id?: unknown;
  method?: string;
  url?: string;
}): Record<string, unknown> {
  return { id: req.id, method: req.method, path: pathOf(req.url) };
}

/** The response as logged: its status. */
export function serializeResponse(res: { statusCode?: number }): Record<string, unknown> {
  return { statusCode: res.statusCode };
}

export interface HttpLoggingOptions {
  logger: Logger;
  /** Paths whose successful requests log at `debug` (probes and scrapes), e.g. `/health`. */
  quietPaths?: readonly string[];
}

/**
 * pino-http options (for nestjs-pino's `LoggerModule.forRoot({ pinoHttp })`): one line per
 * finished request with its id, method, path, status and time; `X-Request-Id` set on the
 * response; 5xx at error, 4xx at warn, probes at debug.
 */
export function httpLoggingOptions(options: HttpLoggingOptions): Options {
  const quiet = new Set(options.quietPaths ?? []);
  return {
    logger: options.logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = requestIdFor(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Our serializers see the raw objects: pino's wrappers would first copy every header and
    // an error's message into a plain object.
    wrapSerializers: false,
    serializers: {
      req: serializeRequest,
      res: serializeResponse,
      err: loggableError,
    },
    customLogLevel: (req, res, error) => {
      const probe = quiet.has(pathOf(req.url));
      if (error !== undefined || res.statusCode >= 500) return probe ? 'warn' : 'error';
      if (res.statusCode >= 400) return 'warn';
      return probe ? 'debug' : 'info';
    },
    // The request line says the status; what failed is logged by whoever caught it (with the
    // request id), not as pino-http's stand-in "failed with status code 500" error.
    customErrorObject: (_req, _res, _error, value: Record<string, unknown>) => ({ ...value, err: undefined }),
    customSuccessMessage: (req, res) => `${req.method ?? ''} ${pathOf(req.url)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method ?? ''} ${pathOf(req.url)} ${res.statusCode}`,
  };
}
