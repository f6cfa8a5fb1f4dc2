import { storedRegistrationOf, usableRegistration } from './stored-registration';

const now = new Date('2025-01-01T00:00:00Z');
const stored = storedRegistrationOf(
  {
    clientId: 'c1',
    clientSecret: 'not-kept-here',
    tokenEndpointAuthMethod: 'client_secret_basic',
    grantTypes: ['client_credentials'],
    scopes: ['s'],
    clientSecretExpiresAt: 0,
  },
  { tokenUrl: 'https://p/token', registrationUrl: 'https://p/register', discoveryUrl: 'https://p/d' },
  now,
) as unknown as Record<string, unknown>;

describe('stored registrations', () => {
  it('keeps the answer without the secret, with where it came from', () => {
    expect(stored).toEqual({
      clientId: 'c1',
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['client_credentials'],
      scopes: ['s'],
      clientSecretExpiresAt: 0,
      tokenUrl: 'https://p/token',
      registrationUrl: 'https://p/register',
      discoveryUrl: 'https://p/d',
      registeredAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('is reused only for the same client, the same discovery URL and an unexpired secret', () => {
    const expected = { clientId: 'c1', discoveryUrl: 'https://p/d' };
    expect(usableRegistration(stored, expected, now)?.tokenUrl).toBe('https://p/token');
    expect(usableRegistration(null, expected, now)).toBeUndefined();
    expect(usableRegistration(stored, { ...expected, clientId: null }, now)).toBeUndefined();
    expect(usableRegistration(stored, { ...expected, clientId: 'c2' }, now)).toBeUndefined();
    expect(usableRegistration(stored, { ...expected, discoveryUrl: 'https://q/d' }, now)).toBeUndefined();
    const expiring = { ...stored, clientSecretExpiresAt: now.getTime() / 1000 + 30 };
    expect(usableRegistration(expiring, expected, now)).toBeUndefined();
    const later = { ...stored, clientSecretExpiresAt: now.getTime() / 1000 + 3600 };
    expect(usableRegistration(later, expected, now)).toBeDefined();
    // An expiry already past when the client was registered (seconds from now, sent as a date)
    // is no expiry: taken as never, or every delivery would register a new client.
    const relative = { ...stored, clientSecretExpiresAt: 86_400 };
    expect(usableRegistration(relative, expected, now)).toBeDefined();
  });
});
