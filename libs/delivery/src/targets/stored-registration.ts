import { type RegisteredClientCredentials } from '../registration/dynamic-registration.client';

/**
 * What the publisher keeps of a dynamic registration (encrypted with the target row): the
 * provider's answer without the secret (kept apart, encrypted too) and where it was obtained.
 */
export interface StoredRegistration {
  clientId: string;
  tokenUrl: string;
  registrationUrl: string;
  /** The discovery document's URL the registration followed; another URL means re-register. */
  discoveryUrl: string;
  /** ISO 8601. */
  registeredAt: string;
  clientIdIssuedAt?: number;
  /** Unix seconds; 0 or absent: never. */
  clientSecretExpiresAt?: number;
  tokenEndpointAuthMethod: string;
  grantTypes: string[];
  scopes: string[];
  registrationClientUri?: string;
  registrationAccessToken?: string;
}

export function storedRegistrationOf(
  credentials: RegisteredClientCredentials,
  where: { tokenUrl: string; registrationUrl: string; discoveryUrl: string },
  registeredAt: Date,
): StoredRegistration {
  const { clientSecret: _secret, ...rest } = credentials;
  return { ...rest, ...where, registeredAt: registeredAt.toISOString() };
}

/**
 * The stored registration if it still serves: same client id as the row, obtained through the
 * same discovery URL, secret not expired. `undefined` means register again.
 */
export function usableRegistration(
  value: Record<string, unknown> | null,
  expected: { clientId: string | null; discoveryUrl: string },
  now: Date,
): StoredRegistration | undefined {
  if (value === null || expected.clientId === null) return undefined;
  const { clientId, tokenUrl, discoveryUrl, clientSecretExpiresAt, registeredAt } = value;
  if (
    clientId !== expected.clientId ||
    typeof tokenUrl !== 'string' ||
    discoveryUrl !== expected.discoveryUrl
  ) {
    return undefined;
  }
  if (typeof clientSecretExpiresAt === 'number' && clientSecretExpiresAt > 0) {
    // An expiry that had already passed when the client was registered is no date (a provider
    // sending seconds from now, say): taken as never, or every delivery would register again.
    const registered = typeof registeredAt === 'string' ? Date.parse(registeredAt) : NaN;
    const meaningful = !(clientSecretExpiresAt * 1000 <= registered);
    // A secret expiring within the next minute is as good as expired.
    if (meaningful && clientSecretExpiresAt * 1000 <= now.getTime() + 60_000) return undefined;
  }
  return value as unknown as StoredRegistration;
}
