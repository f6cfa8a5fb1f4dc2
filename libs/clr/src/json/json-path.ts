/** One step into a JSON value: a property name or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends one segment to a JSON path: `$.clr`, `$.assertions[2]`, `$['@context']`. */
export function appendPath(path: string, segment: PathSegment): string {
  if (typeof segment === 'number') return `${path}[${segment}]`;
  if (IDENTIFIER.test(segment)) return `${path}.${segment}`;
  return `${path}[${quote(segment)}]`;
}

/** The JSON path of a list of segments, starting at the root `$`. */
export function toJsonPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>(appendPath, '$');
}

/**
 * Converts a JSON Pointer (RFC 6901, as reported by ajv: `/clr/assertions/2/issuedOn`) to a JSON
 * path (`$.clr.assertions[2].issuedOn`). Digit-only tokens become array indexes.
 */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '$';
  const segments = pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((token): PathSegment => (/^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : token));
  return toJsonPath(segments);
}

function quote(segment: string): string {
  return `'${segment.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
