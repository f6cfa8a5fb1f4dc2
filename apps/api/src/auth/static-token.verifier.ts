import { createHash, timingSafeEqual } from 'node:crypto';
import { type AdminTokenConfig } from '@app/config';
import { type AdminPrincipal } from './admin-principal';

/** Checks a bearer token against the configured static tokens, of which only SHA-256s are known. */
export class StaticTokenVerifier {
  private readonly entries: { hash: Buffer; token: AdminTokenConfig }[];

  constructor(tokens: readonly AdminTokenConfig[]) {
    this.entries = tokens.map((token) => ({ hash: Buffer.from(token.sha256, 'hex'), token }));
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The principal of a configured token, or undefined. Every configured hash is compared, in
   * constant time each, whatever matched: the time taken does not tell which entry (if any) did.
   */
  verify(presented: string): AdminPrincipal | undefined {
    const hash = createHash('sha256').update(presented, 'utf8').digest();
    let match: AdminTokenConfig | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(hash, entry.hash) && match === undefined) match = entry.token;
    }
    return match === undefined ? undefined : { actor: match.name, role: match.role, via: 'token' };
  }
}
