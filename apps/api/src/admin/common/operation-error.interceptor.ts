import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { OperationError, type OperationErrorKind } from '@app/publishing';
import { type Observable, catchError, throwError } from 'rxjs';
import { ApiError } from '../../errors/api-error';

const STATUS: Record<OperationErrorKind, number> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
};

/** An operation's refusal as the admin API answers it: status by kind, its code, message and details. */
export function apiErrorOf(error: OperationError): ApiError {
  return new ApiError(STATUS[error.kind], error.code, error.message, error.details);
}

/**
 * Turns {@link OperationError}s of the shared operations into {@link ApiError}s, so the global
 * filter answers them in the one error shape (and the audit interceptor, outside this one,
 * records their status). Anything else passes through to the filter's own mapping.
 */
@Injectable()
export class OperationErrorInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          throwError(() => (error instanceof OperationError ? apiErrorOf(error) : error)),
        ),
      );
  }
}
