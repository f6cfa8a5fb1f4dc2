import { type ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { loggableError } from '@app/observability';
import { type Request, type Response } from 'express';
import { type ApiErrorBody } from './api-error';
import { type MappedError, mapError } from './error-mapping';
import { requestIdOf } from './request-id';

/** Routes that answer errors in their own shape (CLR `imsx_StatusInfo`): left to their filters. */
export const PUBLIC_CLR_PREFIX = '/ims/';

/** Writes a mapped error in the {@link ApiErrorBody} shape. */
export function sendApiError(req: Request, res: Response, mapped: MappedError): void {
  const body: ApiErrorBody = {
    error: {
      code: mapped.code,
      message: mapped.message,
      ...(mapped.details !== undefined ? { details: mapped.details } : {}),
    },
    requestId: requestIdOf(req, res),
  };
  res
    .status(mapped.status)
    .set({ 'Cache-Control': 'no-store', ...(mapped.headers ?? {}) })
    .json(body);
}

/**
 * One error shape for /admin, /health, /metrics and anything else of the api's own:
 * `{ error: { code, message, details? }, requestId }`, mapped by {@link mapError}. Requests
 * under `/ims/` (the public CLR endpoints) are passed on untouched: their controllers register
 * their own imsx filter, which Nest prefers over this global one; without it Nest's default
 * answer stands.
 */
@Catch()
export class ApiExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (req.path.toLowerCase().startsWith(PUBLIC_CLR_PREFIX)) {
      super.catch(exception, host);
      return;
    }
    const mapped = mapError(exception);
    if (mapped.severity === 'error') {
      // The request line is logged by the request logger; this adds what failed (class, code).
      this.logger.error(
        { err: loggableError(exception), code: mapped.code, requestId: requestIdOf(req) },
        'request failed',
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendApiError(req, res, mapped);
  }
}
