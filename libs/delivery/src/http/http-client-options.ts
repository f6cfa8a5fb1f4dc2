import { type UrlPolicy } from './target-url';

/** Limits shared by the delivery HTTP clients. */
export interface HttpClientOptions extends UrlPolicy {
  /** Whole-exchange timeout per request, ms. Default 10 000 (postClr: 30 000). */
  timeoutMs?: number;
  /** Most response bytes read, default 1 MiB. */
  maxResponseBytes?: number;
  /** `User-Agent` header. Default `clr-publisher`. */
  userAgent?: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
export const DEFAULT_USER_AGENT = 'clr-publisher';
