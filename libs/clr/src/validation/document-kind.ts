/** The CLR 1.0 documents the validator knows, named after the operation or object they carry. */
export type DocumentKind =
  | 'postClr'
  | 'clr'
  | 'getClr'
  | 'clrSet'
  | 'assertion'
  | 'endorsement'
  | 'cryptographicKey'
  | 'revocationList'
  | 'discovery'
  | 'imsxStatusInfo';

/**
 * The OpenAPI component each kind is validated against. `clr` is the bare Clr (as nested in a
 * postClr payload or decoded from a signed CLR; `@context` optional); the others are the
 * top-level payloads, which require `@context`.
 */
export const DOCUMENT_SCHEMAS: Readonly<Record<DocumentKind, string>> = {
  postClr: 'PostClrPayloadDType',
  clr: 'ClrDType',
  getClr: 'GetClrPayloadDType',
  clrSet: 'ClrSetDType',
  assertion: 'GetAssertionPayloadDType',
  endorsement: 'GetEndorsementPayloadDType',
  cryptographicKey: 'GetCryptographicKeyPayloadDType',
  revocationList: 'GetRevocationListPayloadDType',
  discovery: 'DiscoveryDocumentDType',
  imsxStatusInfo: 'imsx_StatusInfoDType',
};

export const DOCUMENT_KINDS = Object.keys(DOCUMENT_SCHEMAS) as DocumentKind[];

/** True for a known kind (for callers that take the kind from outside, e.g. a CLI argument). */
export function isDocumentKind(value: unknown): value is DocumentKind {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DOCUMENT_SCHEMAS, value);
}
