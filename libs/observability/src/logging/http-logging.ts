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

/** What {@link loggedPath} reads of a request (Express adds `route`, `baseUrl`, `originalUrl`). */
export interface LoggableRequest {
  id?: unknown;
  method?: string;
  url?: string;
  originalUrl?: string;
  baseUrl?: string;
  route?: { path?: unknown };
}

/**
 * The path as logged: the matched route pattern (`/admin/learners/:learnerId/wallets`), never the
 * concrete path, since paths carry ids (a SIS learner id is personal data). Where no route matched
 * (404s, mounted middleware such as the queue dashboard) or the route is a wildcard,
 * {@link genericPath} of the path.
 */
export function loggedPath(req: LoggableRequest): string {
  const route = req.route?.path;
  // A wildcard pattern is no route of ours: Nest applies middleware (the request logger's
  // among them) as a catch-all `/{*path}` route, which Express leaves in `req.route` when no
  // controller route matched. Such requests get the generic path.
  if (typeof route === 'string' && !route.includes('*')) return `${req.baseUrl ?? ''}${route}`;
  return genericPath(pathOf(req.originalUrl ?? req.url));
}

/** A path with every segment after the first two replaced by `:param` (`/admin/learners/:param`). */
export function genericPath(path: string): string {
  return path
    .split('/')
    .map((segment, index) => (index > 2 && segment !== '' ? ':param' : segment))
    .join('/');
}

/** The request as logged: id, method and route pattern. No headers, no query, no body, no address. */
export function serializeRequest(req: LoggableRequest): Record<string, unknown> {
  return { id: req.id, method: req.method, path: loggedPath(req) };
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
 * finished request with its id, method, route pattern, status and time; `X-Request-Id` set on the
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
    // The request is serialized when the line is written, not bound when it arrives: only at
    // the end has Express matched the route whose pattern stands in for the path. Lines logged
    // while handling it carry its id (`reqId`); the finished line adds `req` and `res`.
    quietReqLogger: true,
    quietResLogger: true,
    customSuccessObject: (req, _res, value: Record<string, unknown>) => ({ req, ...value }),
    serializers: {
      req: serializeRequest,
      res: serializeResponse,
      err: loggableError,
    },
    customLogLevel: (req, res, error) => {
      const probe = quiet.has(loggedPath(req));
      if (error !== undefined || res.statusCode >= 500) return probe ? 'warn' : 'error';
      if (res.statusCode >= 400) return 'warn';
      return probe ? 'debug' : 'info';
    },
    // The request line says the status; what failed is logged by whoever caught it (with the
    // request id), not as pino-http's stand-in "failed with status code 500" error.
    customErrorObject: (req, _res, _error, value: Record<string, unknown>) => ({
      req,
      ...value,
      err: undefined,
    }),
    customSuccessMessage: (req, res) => `${req.method ?? ''} ${loggedPath(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method ?? ''} ${loggedPath(req)} ${res.statusCode}`,
  };
}
