import { ProviderHttpError } from '../common/provider-http.error';

export interface ClrListQuery {
  limit: number;
  offset: number;
  /** Epoch ms; only CLRs issued after it. */
  since?: number;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/** ISO 8601 with a time zone, as the getClrs `since` parameter demands. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads getClrs `limit` (1..1000, default 100), `offset` (>= 0) and `since`. */
export function parseClrListQuery(query: Record<string, unknown>): ClrListQuery {
  const limit = integer(query['limit'], 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT;
  const offset = integer(query['offset'], 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const result: ClrListQuery = { limit, offset };
  const since = query['since'];
  if (since !== undefined) {
    if (typeof since !== 'string' || !ISO_WITH_ZONE.test(since) || Number.isNaN(Date.parse(since))) {
      throw invalidQuery('since must be an ISO 8601 date-time with a time zone');
    }
    result.since = Date.parse(since);
  }
  return result;
}

function integer(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw invalidQuery(`${name} must be an integer`);
  const parsed = Number.parseInt(value, 10);
  if (parsed < min || parsed > max) throw invalidQuery(`${name} must be between ${min} and ${max}`);
  return parsed;
}

function invalidQuery(description: string): ProviderHttpError {
  return new ProviderHttpError(400, description, { codeMinor: 'invalid_query_parameter' });
}
