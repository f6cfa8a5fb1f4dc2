import type { DocumentKind } from '@app/clr';

/** The document kinds `verify` may meet, with the label its verdict uses. */
export const KIND_LABELS: Readonly<Record<DocumentKind, string>> = {
  postClr: 'postClr payload',
  clr: 'Clr',
  getClr: 'Clr (getClr payload)',
  clrSet: 'ClrSet',
  assertion: 'Assertion',
  endorsement: 'Endorsement',
  cryptographicKey: 'CryptographicKey',
  revocationList: 'RevocationList',
  discovery: 'discovery document',
  imsxStatusInfo: 'imsx_StatusInfo',
};

const KIND_BY_TYPE: Readonly<Record<string, DocumentKind>> = {
  Clr: 'clr',
  Assertion: 'assertion',
  Endorsement: 'endorsement',
  CryptographicKey: 'cryptographicKey',
  RevocationList: 'revocationList',
};

/**
 * Recognises a CLR 1.0 document by the properties only its kind carries: `clr` / `signedClr`
 * (postClr), `clrs` / `signedClrs` (ClrSet), `imsx_codeMajor`, the discovery endpoints, else its
 * `type`. A Clr with `@context` is checked as a bare Clr (the context is optional there).
 * Undefined when nothing identifies it.
 */
export function detectDocumentKind(value: unknown): DocumentKind | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const has = (key: string): boolean => Object.hasOwn(value, key);
  if (has('clr') || has('signedClr')) return 'postClr';
  if (has('clrs') || has('signedClrs')) return 'clrSet';
  if (has('imsx_codeMajor')) return 'imsxStatusInfo';
  if (has('tokenUrl') || has('scopesOffered') || has('authorizationUrl')) return 'discovery';
  const type = (value as { type?: unknown }).type;
  const types = Array.isArray(type) ? type : [type];
  for (const candidate of types) {
    if (typeof candidate === 'string' && Object.hasOwn(KIND_BY_TYPE, candidate))
      return KIND_BY_TYPE[candidate];
  }
  return undefined;
}
