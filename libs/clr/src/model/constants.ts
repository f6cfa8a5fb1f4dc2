/** Fixed identifiers of the CLR 1.0 standard. */
export const CLR_CONTEXT_URL = 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld';
export const OPEN_BADGES_V2_CONTEXT_URL = 'https://w3id.org/openbadges/v2';
export const CLR_MEDIA_TYPE = 'application/ld+json';
/** Path of the CLR REST binding below a server's base URL. */
export const CLR_API_PATH = '/ims/clr/v1p0';

export const CLR_SCOPES = {
  readonly: 'https://purl.imsglobal.org/spec/clr/v1p0/scope/readonly',
  replace: 'https://purl.imsglobal.org/spec/clr/v1p0/scope/replace',
  delete: 'https://purl.imsglobal.org/spec/clr/v1p0/scope/delete',
} as const;

/** The only signature algorithm the publisher signs with and accepts. */
export const CLR_SIGNING_ALGORITHM = 'RS256';
export const MIN_RSA_MODULUS_BITS = 2048;
