import { z } from 'zod';
import { httpUrl, integer, nonEmpty } from './config-primitives';

/**
 * Signature algorithms an access token may use. Asymmetric only: the keys come from a JWKS, and
 * `none` or a shared-secret HMAC would let anyone holding the JWKS mint tokens.
 */
export const PROVIDER_TOKEN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type ProviderTokenAlgorithm = (typeof PROVIDER_TOKEN_ALGORITHMS)[number];

function isLoopbackHttpUrl(value: string): boolean {
  try {
    const { protocol, hostname } = new URL(value);
    if (protocol === 'https:') return true;
    return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
  } catch {
    return true; // httpUrl reports an unreadable URL itself
  }
}

/**
 * The DiscoveryDocument fields (CLR 1.0 `GET /discovery`). Served only when configured: the
 * publisher does not run an authorization server of its own, so these point at the one that
 * issues the provider-read tokens. `scopesOffered` is always the readonly scope alone.
 */
export const providerDiscoverySchema = z
  .object({
    name: nonEmpty,
    authorizationUrl: httpUrl,
    tokenUrl: httpUrl,
    registrationUrl: httpUrl,
    privacyPolicyUrl: httpUrl,
    termsOfServiceUrl: httpUrl,
    image: httpUrl.optional(),
  })
  .strict();
export type ProviderDiscoveryConfig = z.output<typeof providerDiscoverySchema>;

/**
 * The publisher as a CLR provider for reads (`GET /ims/clr/v1p0/clrs` and `/clrs/{id}`): OAuth 2.0
 * bearer JWTs from an external authorization server, checked against its JWKS, issuer and
 * audience, carrying the CLR readonly scope, issued to one of the `readers` clients: those reads
 * return every learner's CLR. Without this section those routes answer 401.
 */
export const providerApiSchema = z
  .object({
    /** The `iss` every token must carry. */
    issuer: nonEmpty,
    /** The authorization server's JWKS; https unless on a loopback host. */
    jwksUrl: httpUrl.refine(isLoopbackHttpUrl, 'must be an https URL (http only on a loopback host)'),
    /** The `aud` a token must carry (one of these when a list). */
    audience: z.union([nonEmpty, z.array(nonEmpty).min(1)]),
    /**
     * The OAuth client ids (the token's `client_id`, else `azp`) that may read every learner's
     * CLR: the providers the institution trusts with them. A token with the readonly scope issued
     * to any other client (a learner's wallet registered at the authorization server, say) is
     * refused: reads are not limited to one learner's records.
     */
    readers: z.array(nonEmpty).min(1),
    algorithms: z.array(z.enum(PROVIDER_TOKEN_ALGORITHMS)).min(1).default(['RS256', 'PS256', 'ES256']),
    /** Leeway for `exp`, `nbf` and `iat` between the two clocks, seconds. */
    clockToleranceSeconds: integer(0, 300).default(30),
    /** How long a JWKS fetch may take, ms. */
    jwksTimeoutMs: integer(100, 60_000).default(5_000),
    /** How long fetched keys are kept before the JWKS is fetched again, seconds. */
    jwksCacheSeconds: integer(0, 86_400).default(600),
    discovery: providerDiscoverySchema.optional(),
  })
  .strict();
export type ProviderApiConfig = z.output<typeof providerApiSchema>;
