import { invalidField } from './operation.error';

/** One page of a list: `next` is the offset of the following page, null on the last one. */
export interface Page<T> {
  items: T[];
  limit: number;
  offset: number;
  next: number | null;
}

/** Paging a caller asked for (numbers, or the strings of a query string). */
export interface PageRequest {
  limit?: number | string;
  offset?: number | string;
}

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

/** Checked paging: `limit` 1..500 (default 50), `offset` 0 and up. */
export function pagingOf(request: PageRequest): { limit: number; offset: number } {
  return {
    limit: integerField('limit', request.limit, 1, MAX_PAGE_LIMIT) ?? DEFAULT_PAGE_LIMIT,
    offset: integerField('offset', request.offset, 0, 2_147_483_647) ?? 0,
  };
}

/** A page from `limit + 1` rows read at `offset` (the extra row says there is a next page). */
export function pageOf<T>(rows: readonly T[], paging: { limit: number; offset: number }): Page<T> {
  return {
    items: rows.slice(0, paging.limit),
    limit: paging.limit,
    offset: paging.offset,
    next: rows.length > paging.limit ? paging.offset + paging.limit : null,
  };
}

/** An optional whole number within bounds, given as a number or its decimal string. */
export function integerField(
  field: string,
  value: number | string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? value : /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    throw invalidField(field, `must be a whole number from ${min} to ${max}`);
  }
  return number;
}
