import { type WalletPortalConfig } from '@app/config';
import {
  type JWTPayload,
  type JWTVerifyGetKey,
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
} from 'jose';
import { WalletFlowError } from './wallet-flow.error';

/** A key jose verifies with (the DOM CryptoKey type is not in this project's TS lib). */
type VerifyKey = Awaited<ReturnType<typeof importSPKI>>;

/** What a portal-signed link says. */
export interface PortalLink {
  /** The SIS learner id (never logged, never put in a URL). */
  learnerId: string;
  /** The wallet's base URL (connect links). */
  wallet?: string;
  /** A connection id (disconnect links). */
  connectionId?: string;
}

/**
 * Verifies the short-lived JWTs the institution's portal hands learners (connect and
 * disconnect links): signature with the portal's public key or JWKS, `iss`, `aud` when
 * configured, `exp`, and `iat` no older than `maxAgeSeconds`.
 */
export class PortalLinkVerifier {
  private key: Promise<VerifyKey | JWTVerifyGetKey> | undefined;

  constructor(private readonly portal: WalletPortalConfig) {}

  /** @throws WalletFlowError `link_invalid` naming the problem (never a claim value). */
  async verify(token: unknown): Promise<PortalLink> {
    if (typeof token !== 'string' || token === '')
      throw new WalletFlowError('link_invalid', 'the link carries no token');
    let payload: JWTPayload;
    try {
      const key = await this.verificationKey();
      const options = {
        issuer: this.portal.issuer,
        algorithms: this.portal.algorithms,
        maxTokenAge: `${this.portal.maxAgeSeconds}s`,
        clockTolerance: this.portal.clockToleranceSeconds,
        requiredClaims: ['iat', 'exp'],
        ...(this.portal.audience !== undefined ? { audience: this.portal.audience } : {}),
      };
      payload =
        typeof key === 'function'
          ? (await jwtVerify(token, key, options)).payload
          : (await jwtVerify(token, key, options)).payload;
    } catch (error) {
      throw new WalletFlowError('link_invalid', `the link is not valid: ${reasonOf(error)}`);
    }
    const learnerId = payload[this.portal.learnerClaim];
    if (typeof learnerId !== 'string' || learnerId.trim() === '') {
      throw new WalletFlowError(
        'link_invalid',
        `the link names no learner (claim ${this.portal.learnerClaim})`,
      );
    }
    const wallet = payload[this.portal.walletClaim];
    const connectionId = payload[this.portal.connectionClaim];
    return {
      learnerId,
      ...(typeof wallet === 'string' && wallet !== '' ? { wallet } : {}),
      ...(typeof connectionId === 'string' && connectionId !== '' ? { connectionId } : {}),
    };
  }

  private verificationKey(): Promise<VerifyKey | JWTVerifyGetKey> {
    this.key ??=
      this.portal.jwksUrl !== undefined
        ? Promise.resolve(
            createRemoteJWKSet(new URL(this.portal.jwksUrl), { timeoutDuration: this.portal.jwksTimeoutMs }),
          )
        : importSPKI(this.portal.publicKey ?? '', this.portal.algorithms[0] ?? 'RS256');
    return this.key;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired or is too old';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `claim ${error.claim} failed (${error.reason})`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof errors.JOSEError) return error.code;
  return 'it could not be verified';
}
