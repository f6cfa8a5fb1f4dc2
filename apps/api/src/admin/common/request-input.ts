import { invalidField } from '@app/publishing';

/** A query string as Express parses it; a repeated parameter is refused rather than guessed at. */
export type QueryText = Record<string, string | undefined>;

/**
 * The JSON body as a plain object (each operation checks its fields and names the one at
 * fault). A body that is not an object (an array, a string) is refused naming `body`.
 */
export function bodyOf(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidField('body', 'must be a JSON object');
  return body as Record<string, unknown>;
}

/** The query string with single values only: `?status=a&status=b` is refused naming `status`. */
export function queryOf(query: unknown): QueryText {
  const text: QueryText = {};
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') throw invalidField(name, 'must be given once, as plain text');
    text[name] = value;
  }
  return text;
}
