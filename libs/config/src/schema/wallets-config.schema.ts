import { z } from 'zod';
import { httpUrl, integer, nonEmpty } from './config-primitives';
import { PROVIDER_TOKEN_ALGORITHMS } from './provider-api-config.schema';

function isHttpsOrLoopback(value: string): boolean {
  try {
    const { protocol, hostname } = new URL(value);
    if (protocol === 'https:') return true;
    return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
  } catch {
    return true; // httpUrl reports an unreadable URL itself
  }
}

const secureUrl = httpUrl.refine(isHttpsOrLoopback, 'must be an https URL (http only on a loopback host)');

/**
 * The institution's portal, which hands learners signed connect/disconnect links: short-lived
 * JWTs it signs, verified with its public key (SPKI PEM) or its JWKS, exactly one of them.
 */
export const walletPortalSchema = z
  .object({
    /** The `iss` every link token must carry. */
    issuer: nonEmpty,
    /** The portal's public key, SPKI PEM. */
    publicKey: nonEmpty.optional(),
    /** The portal's JWKS; https unless on a loopback host. */
    jwksUrl: secureUrl.optional(),
    /** The `aud` a link token must carry, when set. */
    audience: nonEmpty.optional(),
    algorithms: z
      .array(z.enum(PROVIDER_TOKEN_ALGORITHMS))
      .min(1)
      .default(['RS256', 'PS256', 'ES256', 'EdDSA']),
    /** Oldest `iat` accepted, seconds: a link is meant to be followed at once. */
    maxAgeSeconds: integer(10, 3600).default(300),
    clockToleranceSeconds: integer(0, 300).default(30),
    /** The claim naming the learner (the SIS learner id). */
    learnerClaim: nonEmpty.default('learner_id'),
    /** The claim naming the wallet's base URL (its discovery document is under it). */
    walletClaim: nonEmpty.default('wallet'),
    /** The claim naming a connection id (disconnect links). */
    connectionClaim: nonEmpty.default('connection_id'),
    jwksTimeoutMs: integer(100, 60_000).default(5_000),
  })
  .strict()
  .superRefine((portal, ctx) => {
    if ((portal.publicKey === undefined) === (portal.jwksUrl === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['publicKey'],
        message: 'give exactly one of publicKey and jwksUrl',
      });
    }
  });
export type WalletPortalConfig = z.output<typeof walletPortalSchema>;

/**
 * Learner wallets: CLR consumers a learner connects with OAuth 2.0 authorization code + PKCE
 * (the publisher registers there dynamically, per wallet host), then receives their CLR.
 * Absent: `/wallets/*` answers 404 and builds create no wallet deliveries beyond existing
 * connections.
 */
export const walletsSchema = z
  .object({
    portal: walletPortalSchema,
    /** Our callback (`.../wallets/callback`), registered with every wallet; https unless loopback. */
    redirectUri: secureUrl,
    /** Registration metadata shown on the wallet's consent screen (OB 2.1: same host as redirectUri). */
    clientName: nonEmpty.default('CLR Publisher'),
    logoUri: secureUrl,
    tosUri: secureUrl,
    policyUri: secureUrl,
    /** How long a pending authorization (state + PKCE verifier) waits for its callback, seconds. */
    stateTtlSeconds: integer(30, 3600).default(600),
    /** Timeout of discovery, registration and token calls to a wallet, ms. */
    timeoutMs: integer(100, 120_000).default(10_000),
  })
  .strict()
  .superRefine((wallets, ctx) => {
    let redirectHost: string;
    try {
      redirectHost = new URL(wallets.redirectUri).hostname;
    } catch {
      return;
    }
    for (const key of ['logoUri', 'tosUri', 'policyUri'] as const) {
      try {
        if (new URL(wallets[key]).hostname !== redirectHost) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'must be on the host of redirectUri (OB 2.1 registration)',
          });
        }
      } catch {
        // httpUrl reports it
      }
    }
  });
export type WalletsConfig = z.output<typeof walletsSchema>;
