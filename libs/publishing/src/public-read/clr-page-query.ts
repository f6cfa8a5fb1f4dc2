import { parseDateTime } from '@app/clr';

/** getClrs `limit` when none is given (CLR 1.0 OpenAPI default). */
export const DEFAULT_CLR_PAGE_LIMIT = 100;
/** Largest page the publisher serves (a page carries whole CLRs). */
export const MAX_CLR_PAGE_LIMIT = 1000;
/** `limit` and `offset` are int32 in the OpenAPI. */
const MAX_INT32 = 2_147_483_647;

/** A getClrs page request. */
export interface ClrPageQuery {
  limit: number;
  offset: number;
  /** Only CLRs issued strictly after this instant. */
  since?: Date;
}

export type ClrPageQueryResult = { ok: true; query: ClrPageQuery } | { ok: false; problem: string };

/**
 * Reads getClrs `limit` (1 and up, default 100; a page holds 1000 at most, as a server may
 * serve fewer, and its Link header pages on), `offset` (0 and up, default 0) and `since` (an
 * ISO 8601 date-time with a zone designator) from a parsed query string. A parameter given twice
 * is refused rather than guessed at. The problem names the parameter, never echoes its value.
 */
export function parseClrPageQuery(query: Readonly<Record<string, unknown>>): ClrPageQueryResult {
  const limit = integerParameter(query['limit'], 'limit', 1, MAX_INT32);
  if (typeof limit === 'string') return { ok: false, problem: limit };
  const offset = integerParameter(query['offset'], 'offset', 0, MAX_INT32);
  if (typeof offset === 'string') return { ok: false, problem: offset };
  const result: ClrPageQuery = {
    limit: Math.min(limit ?? DEFAULT_CLR_PAGE_LIMIT, MAX_CLR_PAGE_LIMIT),
    offset: offset ?? 0,
  };
  const since = query['since'];
  if (since !== undefined) {
    if (typeof since !== 'string') return { ok: false, problem: 'since must be given once' };
    // An unencoded `+01:00` in a query string arrives as ` 01:00`.
    const text = since.trim().replace(/ (\d{2}:\d{2})$/, '+$1');
    const parsed = parseDateTime(text);
    if (parsed === undefined || !parsed.hasZone || Number.isNaN(Date.parse(text))) {
      return {
        ok: false,
        problem: 'since must be an ISO 8601 date-time with a time zone, e.g. 2024-05-01T00:00:00Z',
      };
    }
    result.since = new Date(Date.parse(text));
  }
  return { ok: true, query: result };
}

/** The integer, undefined when absent, or the problem. */
function integerParameter(
  value: unknown,
  name: string,
  min: number,
  max: number,
): number | undefined | string {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return `${name} must be given once`;
  if (!/^\d{1,10}$/.test(value)) return `${name} must be an integer from ${min} to ${max}`;
  const parsed = Number.parseInt(value, 10);
  if (parsed < min || parsed > max) return `${name} must be an integer from ${min} to ${max}`;
  return parsed;
}
