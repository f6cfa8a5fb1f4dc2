import type { ImsxCodeMajor, ImsxCodeMinorValue, ImsxSeverity, ImsxStatusInfo } from '../model';
import { buildImsxStatusInfo, parseImsxStatusInfo, type ParsedImsxStatus } from './imsx-status-info';

/**
 * The CLR 1.0 code minor value that matches an HTTP status (the statuses [OA] lists for each
 * operation). Statuses the standard does not name map to `unknown`, or `internal_server_error`
 * / `server_busy` for 5xx.
 */
export function imsxCodeMinorForHttpStatus(status: number): ImsxCodeMinorValue {
  if (status >= 200 && status < 300) return 'fullsuccess';
  switch (status) {
    case 304:
      return 'not_modified';
    case 400:
    case 422:
      return 'invalid_data';
    case 401:
      return 'unauthorizedrequest';
    case 403:
      return 'forbidden';
    case 405:
      return 'not_allowed';
    case 406:
      return 'not_acceptable';
    case 421:
      return 'misdirected_request';
    case 429:
    case 502:
    case 503:
    case 504:
      return 'server_busy';
    default:
      return status >= 500 && status < 600 ? 'internal_server_error' : 'unknown';
  }
}

/** The HTTP status we answer with for a code minor value (the reverse of the mapping above). */
export function httpStatusForImsxCodeMinor(codeMinor: ImsxCodeMinorValue): number {
  switch (codeMinor) {
    case 'fullsuccess':
      return 200;
    case 'not_modified':
      return 304;
    case 'invalid_data':
    case 'invalid_query_parameter':
      return 400;
    case 'unauthorizedrequest':
      return 401;
    case 'forbidden':
      return 403;
    case 'unknown':
      return 404;
    case 'not_allowed':
      return 405;
    case 'not_acceptable':
      return 406;
    case 'misdirected_request':
      return 421;
    case 'server_busy':
      return 503;
    case 'internal_server_error':
      return 500;
  }
}

/**
 * True when a failed call may succeed if repeated later: timeouts, 429 and 5xx (except 501
 * "not implemented"). Every other 4xx, 304 included, is permanent for the same request.
 */
export function isRetryableHttpStatus(status: number): boolean {
  if (status === 408 || status === 425 || status === 429) return true;
  return status >= 500 && status < 600 && status !== 501;
}

export interface ImsxErrorInit {
  httpStatus: number;
  codeMajor: ImsxCodeMajor;
  severity: ImsxSeverity;
  codeMinor: ImsxCodeMinorValue;
  /** Free text; may come from a provider, so callers decide whether it is logged. */
  description?: string;
  /** What the provider's body said, when the error came from a response. */
  providerStatus?: ParsedImsxStatus;
}

/**
 * An error in the CLR REST binding, on either side: a provider's reply we received
 * ({@link ImsxError.fromResponse}) or one we answer with ({@link ImsxError.toStatusInfo}).
 * `message` holds codes only, never provider free text.
 */
export class ImsxError extends Error {
  readonly httpStatus: number;
  readonly codeMajor: ImsxCodeMajor;
  readonly severity: ImsxSeverity;
  readonly codeMinor: ImsxCodeMinorValue;
  readonly description?: string;
  readonly providerStatus?: ParsedImsxStatus;

  constructor(init: ImsxErrorInit) {
    super(`HTTP ${init.httpStatus}: ${init.codeMajor}/${init.severity} [${init.codeMinor}]`);
    this.name = 'ImsxError';
    this.httpStatus = init.httpStatus;
    this.codeMajor = init.codeMajor;
    this.severity = init.severity;
    this.codeMinor = init.codeMinor;
    if (init.description !== undefined) this.description = init.description;
    if (init.providerStatus !== undefined) this.providerStatus = init.providerStatus;
  }

  /** Whether repeating the same request later may succeed (see {@link isRetryableHttpStatus}). */
  get retryable(): boolean {
    return isRetryableHttpStatus(this.httpStatus);
  }

  /**
   * An error from a provider's non-2xx reply. The body is parsed defensively; when it carries
   * no known code minor, the HTTP status decides it.
   */
  static fromResponse(httpStatus: number, body: unknown): ImsxError {
    const parsed = parseImsxStatusInfo(body);
    const knownMinor = parsed.codeMinors.find((minor) => minor.known)?.value as
      ImsxCodeMinorValue | undefined;
    const init: ImsxErrorInit = {
      httpStatus,
      codeMajor: parsed.codeMajor ?? 'failure',
      severity: parsed.severity ?? 'error',
      codeMinor: knownMinor ?? imsxCodeMinorForHttpStatus(httpStatus),
      providerStatus: parsed,
    };
    if (parsed.description !== undefined) init.description = parsed.description;
    return new ImsxError(init);
  }

  /** An error we answer with, from a code minor value; the HTTP status follows from it. */
  static of(codeMinor: ImsxCodeMinorValue, description?: string): ImsxError {
    const init: ImsxErrorInit = {
      httpStatus: httpStatusForImsxCodeMinor(codeMinor),
      codeMajor: 'failure',
      severity: 'error',
      codeMinor,
    };
    if (description !== undefined) init.description = description;
    return new ImsxError(init);
  }

  /** Our `imsx_StatusInfo` body for this error. */
  toStatusInfo(codeMinorFieldName?: string): ImsxStatusInfo {
    const input: Parameters<typeof buildImsxStatusInfo>[0] = {
      codeMajor: this.codeMajor,
      severity: this.severity,
      codeMinor: this.codeMinor,
    };
    if (this.description !== undefined) input.description = this.description;
    if (codeMinorFieldName !== undefined) input.codeMinorFieldName = codeMinorFieldName;
    return buildImsxStatusInfo(input);
  }
}
