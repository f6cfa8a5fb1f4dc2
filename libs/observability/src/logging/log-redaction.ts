/**
 * Paths pino replaces with `[redacted]` before a line is written. Defence in depth: the request
 * and response serializers already keep only method, path, status and ids, so these catch a
 * header, body or secret that someone logs by hand.
 */
export const LOG_REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'req.body',
  'req.query',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'body',
  'password',
  'secret',
  'token',
  'clientSecret',
  'accessToken',
  '*.authorization',
  '*.body',
  '*.password',
  '*.secret',
  '*.token',
  '*.clientSecret',
  '*.accessToken',
];

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';
