import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** A user's consent to one client: the codes and refresh tokens issued under it. */
export interface AuthorizationGrant {
  grantId: string;
  clientId: string;
  scopes: string[];
  /** Epoch ms. */
  grantedAt: number;
  revoked: boolean;
  /** Refresh tokens issued under this grant (rotations included). */
  refreshTokensIssued: number;
}

/** An authorization code waiting for its token request (RFC 6749 §4.1.2). */
export interface PendingCode {
  grantId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  /** PKCE S256 challenge (RFC 7636 §4.2). */
  codeChallenge: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Why a code or refresh token cannot be used; shown in the `invalid_grant` description. */
export type GrantRefusal =
  'unknown' | 'expired' | 'used' | 'revoked' | 'other-client' | 'redirect-mismatch' | 'pkce-mismatch';

interface RefreshTokenEntry {
  grantId: string;
  clientId: string;
  used: boolean;
}

/** Codes live this long (RFC 6749 §4.1.2 recommends at most 10 minutes). */
export const AUTHORIZATION_CODE_TTL_MS = 60_000;

/**
 * The stand-in provider's memory of the authorization-code flow: grants (a user's consent),
 * single-use codes with their PKCE challenge, and rotating refresh tokens. Test switches: deny
 * the next consents, revoke grants.
 */
export class AuthorizationGrants {
  private readonly grants = new Map<string, AuthorizationGrant>();
  private readonly codes = new Map<string, PendingCode & { used: boolean }>();
  private readonly refreshTokens = new Map<string, RefreshTokenEntry>();
  private consentDenials = 0;

  /** The next `count` authorization requests are answered `access_denied`. */
  denyNextConsents(count = 1): void {
    this.consentDenials += count;
  }

  /** Takes one pending consent denial, if any. */
  takeConsentDenial(): boolean {
    if (this.consentDenials === 0) return false;
    this.consentDenials -= 1;
    return true;
  }

  /** Drops pending consent denials (a partial reset keeps grants and tokens). */
  clearConsentDenials(): void {
    this.consentDenials = 0;
  }

  get pendingConsentDenials(): number {
    return this.consentDenials;
  }

  /** Records consent and issues its code. */
  issueCode(
    input: Omit<PendingCode, 'grantId' | 'expiresAt'>,
    now = Date.now(),
  ): { code: string; grantId: string } {
    const grantId = randomUUID();
    this.grants.set(grantId, {
      grantId,
      clientId: input.clientId,
      scopes: [...input.scopes],
      grantedAt: now,
      revoked: false,
      refreshTokensIssued: 0,
    });
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, { ...input, grantId, expiresAt: now + AUTHORIZATION_CODE_TTL_MS, used: false });
    return { code, grantId };
  }

  /**
   * Redeems a code once. A second use revokes the grant (RFC 6749 §4.1.2: a replayed code
   * means it leaked), so tokens issued from it stop working too.
   */
  redeemCode(
    code: string,
    clientId: string,
    redirectUri: string | null,
    codeVerifier: string | null,
    now = Date.now(),
  ): PendingCode | GrantRefusal {
    const entry = this.codes.get(code);
    if (entry === undefined) return 'unknown';
    if (entry.clientId !== clientId) return 'other-client';
    if (entry.used) {
      this.revokeGrant(entry.grantId);
      return 'used';
    }
    entry.used = true;
    if (entry.expiresAt <= now) return 'expired';
    if (redirectUri !== entry.redirectUri) return 'redirect-mismatch';
    if (codeVerifier === null || !pkceMatches(codeVerifier, entry.codeChallenge)) return 'pkce-mismatch';
    if (this.grants.get(entry.grantId)?.revoked !== false) return 'revoked';
    const { used: _used, ...pending } = entry;
    return pending;
  }

  /** A new refresh token under a live grant. */
  issueRefreshToken(grantId: string, clientId: string): string {
    const grant = this.grants.get(grantId);
    if (grant === undefined) throw new Error('Unknown grant');
    const token = randomBytes(32).toString('base64url');
    this.refreshTokens.set(token, { grantId, clientId, used: false });
    grant.refreshTokensIssued += 1;
    return token;
  }

  /**
   * Uses a refresh token (rotation: each one works once). Reusing a rotated-away token revokes
   * the grant, as OAuth 2.0 Security BCP §4.14.2 suggests for detected replay.
   */
  useRefreshToken(token: string, clientId: string): AuthorizationGrant | GrantRefusal {
    const entry = this.refreshTokens.get(token);
    if (entry === undefined) return 'unknown';
    if (entry.clientId !== clientId) return 'other-client';
    const grant = this.grants.get(entry.grantId);
    if (grant === undefined || grant.revoked) return 'revoked';
    if (entry.used) {
      this.revokeGrant(grant.grantId);
      return 'used';
    }
    entry.used = true;
    return { ...grant, scopes: [...grant.scopes] };
  }

  /** Marks a grant revoked; its refresh tokens stop working. Returns whether it was live. */
  revokeGrant(grantId: string): boolean {
    const grant = this.grants.get(grantId);
    if (grant === undefined || grant.revoked) return false;
    grant.revoked = true;
    return true;
  }

  /** Revokes every live grant (of one client, when given); returns their ids. */
  revokeAll(clientId?: string): string[] {
    const revoked: string[] = [];
    for (const grant of this.grants.values()) {
      if (clientId !== undefined && grant.clientId !== clientId) continue;
      if (this.revokeGrant(grant.grantId)) revoked.push(grant.grantId);
    }
    return revoked;
  }

  isRevoked(grantId: string): boolean {
    return this.grants.get(grantId)?.revoked !== false;
  }

  list(): AuthorizationGrant[] {
    return [...this.grants.values()].map((grant) => ({ ...grant, scopes: [...grant.scopes] }));
  }

  clear(): void {
    this.grants.clear();
    this.codes.clear();
    this.refreshTokens.clear();
    this.consentDenials = 0;
  }
}

/** RFC 7636 §4.6: BASE64URL(SHA256(verifier)) equals the challenge. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
