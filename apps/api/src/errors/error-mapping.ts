import { ConfigError } from '@app/config';
import { DeliveryError } from '@app/delivery';
import { SisError } from '@app/sis';
import { StoreError, type StoreErrorCode } from '@app/store';
import { HttpException } from '@nestjs/common';
import { ZodError } from 'zod';
import { ApiError } from './api-error';

/** What an exception becomes on the wire, and how loudly it is logged. */
export interface MappedError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  headers?: Readonly<Record<string, string>>;
  /** `error`: our fault or an outage (logged with the error's class and code); `warn`: the caller's. */
  severity: 'warn' | 'error';
}

const INTERNAL: MappedError = {
  status: 500,
  code: 'internal_error',
  message: 'Internal error; the server log has the details under this request id',
  severity: 'error',
};

const UNAVAILABLE: MappedError = {
  status: 503,
  code: 'service_unavailable',
  message: 'A service the publisher depends on is unavailable; try again later',
  headers: { 'Retry-After': '30' },
  severity: 'error',
};

const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_error',
  501: 'not_implemented',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

function codeForStatus(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

// Node, driver and Redis client codes that mean "could not reach it", anywhere in the cause chain.
const OUTAGE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ETIMEOUT',
  'ESOCKET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNCLOSED',
  'PROTOCOL_CONNECTION_LOST',
  'SQLITE_BUSY',
  '57P01',
  '57P03',
  '53300',
]);
const OUTAGE_NAMES = new Set(['MaxRetriesPerRequestError', 'ConnectionIsNotSetError', 'ConnectionError']);
const OUTAGE_MESSAGES = [/Connection is closed/i, /Stream isn't writeable/i, /connect ECONNREFUSED/i];

/** Whether an error (or one it was caused by) says a database, Redis or another service is unreachable. */
export function isOutage(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true;
    if (OUTAGE_NAMES.has(current.name)) return true;
    if (OUTAGE_MESSAGES.some((pattern) => pattern.test(current instanceof Error ? current.message : '')))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function fromHttpException(exception: HttpException): MappedError {
  const status = exception.getStatus();
  const response = exception.getResponse();
  let message = exception.message;
  let details: unknown;
  if (typeof response === 'object' && response !== null) {
    const body = response as { message?: unknown };
    if (Array.isArray(body.message)) {
      details = body.message;
      message = body.message.map(String).join('; ');
    } else if (typeof body.message === 'string') {
      message = body.message;
    }
  }
  return {
    status,
    code: codeForStatus(status),
    message: status >= 500 ? INTERNAL.message : message,
    ...(details !== undefined && status < 500 ? { details } : {}),
    severity: status >= 500 ? 'error' : 'warn',
  };
}

const STORE_STATUS: Record<StoreErrorCode, { status: number; code: string } | 'internal' | 'unavailable'> = {
  NOT_FOUND: { status: 404, code: 'not_found' },
  DUPLICATE: { status: 409, code: 'duplicate' },
  VERSION_CONFLICT: { status: 409, code: 'version_conflict' },
  KEY_ROTATION_CONFLICT: { status: 409, code: 'key_rotation_conflict' },
  NO_ACTIVE_KEY: { status: 409, code: 'no_active_key' },
  WRONG_MASTER_KEY: 'unavailable',
  INVALID_ARGUMENT: { status: 400, code: 'invalid_argument' },
  INVALID_OPTIONS: 'internal',
  SCHEMA_OUTDATED: 'unavailable',
};

function fromStoreError(error: StoreError): MappedError {
  const mapped = STORE_STATUS[error.code];
  if (mapped === 'internal') return INTERNAL;
  if (mapped === 'unavailable') return UNAVAILABLE;
  return { ...mapped, message: error.message, severity: 'warn' };
}

/* Run errors come from @app/publishing; matched by name and code (as the filter must not need
   the pipeline loaded to map them). */
const RUN_ERRORS: Readonly<Record<string, { status: number; code: string } | 'unavailable'>> = {
  RUN_CONFLICT: { status: 409, code: 'run_conflict' },
  UNKNOWN_SOURCE: { status: 422, code: 'unknown_source' },
  INVALID_REQUEST: { status: 400, code: 'invalid_request' },
  NOT_FOUND: { status: 404, code: 'run_not_found' },
  TIMEOUT: { status: 504, code: 'run_wait_timeout' },
  QUEUE_UNAVAILABLE: 'unavailable',
};

function fromRunError(error: Error & { code?: unknown }): MappedError | undefined {
  const mapped = typeof error.code === 'string' ? RUN_ERRORS[error.code] : undefined;
  if (mapped === undefined) return undefined;
  if (mapped === 'unavailable') return UNAVAILABLE;
  const { source, activeRunId } = error as { source?: unknown; activeRunId?: unknown };
  const details =
    typeof source === 'string' && typeof activeRunId === 'string' ? { source, activeRunId } : undefined;
  return { ...mapped, message: error.message, ...(details ? { details } : {}), severity: 'warn' };
}

/** Body-parser errors (http-errors): malformed JSON, too large, wrong charset. */
function fromClientHttpError(error: Error): MappedError | undefined {
  const { status, expose, type } = error as { status?: unknown; expose?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || expose !== true) return undefined;
  const code = type === 'entity.parse.failed' ? 'invalid_json' : codeForStatus(status);
  const message = type === 'entity.parse.failed' ? 'The request body is not valid JSON' : error.message;
  return { status, code, message, severity: 'warn' };
}

/**
 * Maps anything a handler, guard or pipe threw to a status, code and message. Client mistakes
 * keep their message (ids and fields only, by the domain errors' own rule); outages become 503
 * and everything unknown 500, with a fixed message: no internals, no driver text, no data.
 */
export function mapError(exception: unknown): MappedError {
  if (exception instanceof ApiError) {
    return {
      status: exception.status,
      code: exception.code,
      message: exception.message,
      ...(exception.details !== undefined ? { details: exception.details } : {}),
      headers: exception.headers,
      severity: exception.status >= 500 ? 'error' : 'warn',
    };
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (exception instanceof ZodError) {
    return {
      status: 400,
      code: 'invalid_request',
      message: 'The request does not have the expected shape',
      details: exception.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      severity: 'warn',
    };
  }
  if (exception instanceof StoreError) return fromStoreError(exception);
  if (
    exception instanceof Error &&
    (exception.name === 'SyncRunError' || exception.name === 'SyncRunConflictError')
  ) {
    const mapped = fromRunError(exception);
    if (mapped !== undefined) return mapped;
  }
  if (exception instanceof ConfigError) {
    // Issues name key paths and reasons, never values (ConfigError's own rule).
    return {
      status: 500,
      code: 'configuration_invalid',
      message: 'The configuration is invalid',
      details: exception.issues,
      severity: 'error',
    };
  }
  if (exception instanceof SisError) {
    return exception.retryable
      ? { ...UNAVAILABLE, code: 'sis_unavailable', message: 'The SIS is unavailable; try again later' }
      : {
          ...INTERNAL,
          code: 'sis_error',
          message: 'The SIS could not be read; the server log names the problem',
        };
  }
  if (exception instanceof DeliveryError) {
    return {
      status: 502,
      code: 'provider_error',
      message: `The CLR provider could not be used (${exception.code})`,
      severity: 'error',
    };
  }
  if (exception instanceof Error) {
    const client = fromClientHttpError(exception);
    if (client !== undefined) return client;
  }
  if (isOutage(exception)) return UNAVAILABLE;
  return INTERNAL;
}
