import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type Response } from 'express';
import { buildImsxStatusInfo, imsxCodeMinorForHttpStatus, type ImsxCodeMinorValue } from '@app/clr';
import { OAuthHttpError, ProviderHttpError } from './provider-http.error';

/** Locals the post log reads once the response is finished. */
export interface ProviderResponseLocals {
  codeMinor?: ImsxCodeMinorValue;
  clrId?: string;
  format?: 'clr' | 'signedClr';
  outcome?: 'created' | 'replaced' | 'fault';
}

/**
 * Every error leaves the provider as a CLR `imsx_StatusInfo` body, except on the OAuth
 * endpoints, which answer RFC 6749 / RFC 7591 `{ error, error_description }` bodies.
 */
@Catch()
export class ProviderExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('StandInProvider');

  constructor(private readonly systemName: string) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const locals = response.locals as ProviderResponseLocals;

    if (exception instanceof OAuthHttpError) {
      response
        .status(exception.status)
        .set({ ...exception.headers, 'Cache-Control': 'no-store', Pragma: 'no-cache' })
        .json({ error: exception.error, error_description: exception.description });
      return;
    }

    let status: number;
    let description: string;
    let codeMinor: ImsxCodeMinorValue;
    let headers: Record<string, string> = {};
    if (exception instanceof ProviderHttpError) {
      ({ status, description, codeMinor, headers } = exception);
    } else if (exception instanceof HttpException) {
      // Nest's own: unknown route (404), wrong method, ...
      status = exception.getStatus();
      description = status === 404 ? 'No such resource' : exception.message;
      codeMinor = imsxCodeMinorForHttpStatus(status);
    } else {
      status = 500;
      description = 'Internal error of the stand-in provider';
      codeMinor = 'internal_server_error';
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : 'non-error thrown',
      );
    }
    locals.codeMinor = codeMinor;
    const body = buildImsxStatusInfo({
      codeMajor: 'failure',
      severity: 'error',
      description,
      codeMinor,
      codeMinorFieldName: this.systemName,
    });
    response.status(status).set(headers).type('application/ld+json').send(JSON.stringify(body));
  }
}
