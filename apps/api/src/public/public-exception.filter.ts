import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type Response } from 'express';
import {
  CLR_MEDIA_TYPE,
  type ImsxCodeMinorValue,
  buildImsxStatusInfo,
  imsxCodeMinorForHttpStatus,
} from '@app/clr';
import { PublicHttpError } from './public-http.error';

/**
 * Every error of the public CLR endpoints leaves as an `imsx_StatusInfo` body (CLR 1.0 §7), never
 * cached. A 500 says only that something failed on the publisher's side; what failed is logged
 * (error name and message: the read side's own messages carry version ids, never learner data).
 */
@Catch()
export class PublicExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('PublicClrApi');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    let status: number;
    let description: string;
    let codeMinor: ImsxCodeMinorValue;
    let headers: Readonly<Record<string, string>> = {};
    if (exception instanceof PublicHttpError) {
      ({ status, description, codeMinor, headers } = exception);
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      // Nest's own (a body the framework refused, ...): keep its status, not its wording.
      status = exception.getStatus();
      description = status === 404 ? 'No such resource' : 'The request cannot be served';
      codeMinor = imsxCodeMinorForHttpStatus(status);
    } else {
      status = 500;
      description = 'The publisher failed to answer this request';
      codeMinor = 'internal_server_error';
      const error = exception instanceof Error ? exception : undefined;
      this.logger.error(
        `public CLR endpoint failed: ${error ? `${error.name}: ${error.message}` : 'non-error thrown'}`,
        error?.stack,
      );
    }
    const body = buildImsxStatusInfo({ codeMajor: 'failure', severity: 'error', description, codeMinor });
    response
      .status(status)
      .set({ ...headers, 'Cache-Control': 'no-store' })
      .type(CLR_MEDIA_TYPE)
      .send(JSON.stringify(body));
  }
}
