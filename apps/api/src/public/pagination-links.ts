import { type ClrPageQuery } from '@app/publishing';

/**
 * The RFC 8288 `Link` header of a getClrs page, as the CLR/Open Badges REST style asks: `first`
 * and `last` always, `next` while the list goes on, `prev` after the first record. Links are
 * absolute under the configured public base URL (never the request's Host) and keep `since`.
 */
export function paginationLinks(clrsUrl: string, query: ClrPageQuery, total: number): string {
  const link = (rel: string, offset: number): string => {
    const url = new URL(clrsUrl);
    url.searchParams.set('limit', String(query.limit));
    url.searchParams.set('offset', String(offset));
    if (query.since !== undefined) url.searchParams.set('since', query.since.toISOString());
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / query.limit) * query.limit;
  const links = [link('first', 0), link('last', lastOffset)];
  if (query.offset + query.limit < total) links.push(link('next', query.offset + query.limit));
  if (query.offset > 0)
    links.push(link('prev', Math.max(0, Math.min(query.offset - query.limit, lastOffset))));
  return links.join(', ');
}
