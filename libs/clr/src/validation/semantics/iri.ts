/** An absolute IRI: a scheme (RFC 3987 / 3986 `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`), a colon, and no spaces. */
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/u;

/** True for `https://example.edu/x`, `urn:uuid:...`; false for `assertions/1` or `#x`. */
export function isAbsoluteIri(value: string): boolean {
  return ABSOLUTE_IRI.test(value);
}
