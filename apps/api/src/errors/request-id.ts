import { type IncomingMessage, type ServerResponse } from 'node:http';
import { requestIdFor } from '@app/observability';

/**
 * The id of a request: the one the request logger gave it (`req.id`), else a new one (a request
 * that failed before the logger saw it), which is then kept on the request and echoed in
 * `X-Request-Id`.
 */
export function requestIdOf(req: IncomingMessage, res?: ServerResponse): string {
  const holder = req as IncomingMessage & { id?: unknown };
  if (typeof holder.id === 'string' || typeof holder.id === 'number') return String(holder.id);
  const id = requestIdFor(req);
  holder.id = id;
  if (res !== undefined && !res.headersSent) res.setHeader('X-Request-Id', id);
  return id;
}
