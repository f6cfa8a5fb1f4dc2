import { invalidField } from '@app/publishing';

/** A query string as Express parses it; a repeated parameter is refused rather than guessed at. */
export type QueryText = Record<string, string | undefined>;

/**
 * The JSON body as a plain object (each operation checks its fields and names the one at
 * fault). A body that is not an object (an array, a string) is refused naming `body`; a field
 * the route does not take is refused naming it: a misspelt filter must not widen an action
 * (`{"targte": "x"}` retrying every target's deliveries).
 */
export function bodyOf(body: unknown, fields: readonly string[]): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidField('body', 'must be a JSON object');
  for (const name of Object.keys(body)) {
    if (fields.includes(name)) continue;
    const takes = fields.length === 0 ? 'takes no fields' : `takes ${fields.join(', ')}`;
    // The name is the caller's text: shown only when it looks like a field name.
    const shown = /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(name) ? name : 'body';
    throw invalidField(shown, `is not a field of this request (it ${takes})`);
  }
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
