import { z } from 'zod';
import { flag, httpUrl, integer, nonEmpty, slug } from './config-primitives';

/** Roles of the admin API: `viewer` reads, `operator` reads and changes. */
export const ADMIN_ROLES = ['viewer', 'operator'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/**
 * The token of the embedded demo's operator (`config/default.yaml` stores only its SHA-256).
 * Public and committed: refused whenever publicBaseUrl is not a loopback address.
 */
export const DEMO_ADMIN_TOKEN = 'demo-operator-token-not-for-production';
/** SHA-256 (hex) of {@link DEMO_ADMIN_TOKEN}, as `config/default.yaml` holds it. */
export const DEMO_ADMIN_TOKEN_SHA256 = 'ca6df12afeacdf3365235dd6fb43f40df97aaa91caa4f8612e2c440dd533706c';

/** JWS algorithms accepted from an OIDC issuer (asymmetric only: the publisher holds no shared key). */
export const ADMIN_JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
] as const;

const sha256Hex = z
  .string()
  .trim()
  .transform((value) => value.toLowerCase())
  .refine(
    (value) => /^[0-9a-f]{64}$/.test(value),
    'must be the SHA-256 of the token as 64 hex digits (printf %s "$TOKEN" | sha256sum)',
  );

/** A static bearer token: only its SHA-256 is configured, never the token itself. */
export const adminTokenSchema = z
  .object({
    /** Who uses it; recorded as the actor in the audit log. */
    name: slug,
    role: z.enum(ADMIN_ROLES),
    sha256: sha256Hex,
  })
  .strict();
export type AdminTokenConfig = z.output<typeof adminTokenSchema>;

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
  } catch {
    return false;
  }
}

/** Where a URL that carries trust (issuer, keys) may be served: https, or http on loopback. */
const trustedUrl = httpUrl.refine(
  (value) => value.startsWith('https://') || isLoopbackUrl(value),
  'must be https (plain http only on a loopback address)',
);

/** JWTs of an OpenID Connect issuer, checked against its published keys (JWKS). */
export const adminOidcSchema = z
  .object({
    /** The `iss` every token must carry, exactly. */
    issuer: trustedUrl,
    /** The `aud` a token must carry (one of these). */
    audience: z.union([nonEmpty, z.array(nonEmpty).min(1)]),
    /** The key set; default the `jwks_uri` of `{issuer}/.well-known/openid-configuration`. */
    jwksUri: trustedUrl.optional(),
    /** Claim holding the roles: a string or an array of strings; dotted for nesting (`realm_access.roles`). */
    rolesClaim: nonEmpty.default('roles'),
    /** Claim values granting each role (e.g. the IdP's group names). */
    roleValues: z
      .object({
        viewer: z.array(nonEmpty).default(['viewer']),
        operator: z.array(nonEmpty).default(['operator']),
      })
      .strict()
      .default({}),
    /** Claim naming the operator in the audit log. */
    actorClaim: nonEmpty.default('sub'),
    algorithms: z.array(z.enum(ADMIN_JWT_ALGORITHMS)).min(1).default(['RS256', 'PS256', 'ES256', 'EdDSA']),
    /** Leeway for `exp` / `nbf` / `iat`, seconds. */
    clockToleranceSeconds: integer(0, 300).default(30),
    /** Timeout of each request for the discovery document or the key set, ms. */
    timeoutMs: integer(100, 60_000).default(5_000),
    /** How long a fetched key set is used before it is fetched again, seconds. */
    jwksCacheSeconds: integer(0, 86_400).default(600),
    /** A token with an unknown `kid` refetches the key set at most this often, seconds. */
    jwksCooldownSeconds: integer(0, 3_600).default(30),
  })
  .strict();
export type AdminOidcConfig = z.output<typeof adminOidcSchema>;

/** Who may use `/admin` (and, optionally, scrape `/metrics`). */
export const adminSchema = z
  .object({
    /** Static bearer tokens, stored hashed. */
    tokens: z.array(adminTokenSchema).default([]),
    /** JWTs from an OpenID Connect issuer, besides (or instead of) the static tokens. */
    oidc: adminOidcSchema.optional(),
    metrics: z
      .object({
        /** When set, `/metrics` needs `Authorization: Bearer <token>` with this SHA-256. */
        tokenSha256: sha256Hex.optional(),
      })
      .strict()
      .default({}),
    /** Serve the OpenAPI document of /admin at `/admin/docs`. */
    docs: flag().default(true),
  })
  .strict()
  .superRefine((admin, ctx) => {
    const names = new Set<string>();
    const hashes = new Set<string>();
    admin.tokens.forEach((token, index) => {
      if (names.has(token.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tokens', index, 'name'],
          message: `duplicate token name "${token.name}"`,
        });
      }
      if (hashes.has(token.sha256)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tokens', index, 'sha256'],
          message: 'the same token is configured twice (each name needs its own token)',
        });
      }
      names.add(token.name);
      hashes.add(token.sha256);
    });
  });
export type AdminConfig = z.output<typeof adminSchema>;

/** Issues for demo-only admin secrets (checked when publicBaseUrl or http.host is not loopback). */
export function demoAdminSecretIssues(admin: AdminConfig): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  admin.tokens.forEach((token, index) => {
    if (token.sha256 === DEMO_ADMIN_TOKEN_SHA256) {
      issues.push({
        path: ['admin', 'tokens', index, 'sha256'],
        message:
          'is the public demo-only token; publishing or listening beyond loopback (publicBaseUrl, http.host) needs your own',
      });
    }
  });
  if (admin.metrics.tokenSha256 === DEMO_ADMIN_TOKEN_SHA256) {
    issues.push({
      path: ['admin', 'metrics', 'tokenSha256'],
      message:
        'is the public demo-only token; publishing or listening beyond loopback (publicBaseUrl, http.host) needs your own',
    });
  }
  return issues;
}
