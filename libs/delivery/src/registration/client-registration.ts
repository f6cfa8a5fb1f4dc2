import { CLR_SCOPES } from '@app/clr';

/** RFC 7591 client metadata we send (DIGEST §6; the field names are the RFC's). */
export interface ClientRegistrationRequest {
  client_name: string;
  client_uri: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  software_id: string;
  software_version: string;
  redirect_uris?: string[];
  token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post';
  grant_types: string[];
  response_types: string[];
  /** Space-separated scopes. */
  scope: string;
  contacts?: string[];
}

/** Who the publisher is, as shown to the provider's operators. */
export interface PublisherSoftware {
  clientName: string;
  /** The publisher's home page (its `publicBaseUrl`). */
  clientUri: string;
  softwareId: string;
  softwareVersion: string;
  logoUri?: string;
  tosUri?: string;
  policyUri?: string;
  /** Operators' e-mail addresses (institutional, not learners'). */
  contacts?: string[];
}

/**
 * Registration of a publisher that posts an institution's CLRs with no user present: the
 * client-credentials grant, `client_secret_basic`, the replace scope by default. Not part of
 * OB 2.1's consumer-oriented profile (which only knows authorization_code), but CLR 1.0
 * allows client credentials on every operation (DIGEST §6).
 */
export function clientCredentialsRegistration(
  software: PublisherSoftware,
  scopes: string[] = [CLR_SCOPES.replace],
): ClientRegistrationRequest {
  return {
    ...softwareFields(software),
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    scope: scopes.join(' '),
  };
}

/**
 * Registration in the shape OB 2.1 / OCP use for a client acting for a learner:
 * authorization code + refresh token, `response_types: ["code"]`, redirect URIs, and
 * `offline_access` to get refresh tokens.
 */
export function authorizationCodeRegistration(
  software: PublisherSoftware & { logoUri: string; tosUri: string; policyUri: string },
  redirectUris: string[],
  scopes: string[] = [CLR_SCOPES.replace, 'offline_access'],
): ClientRegistrationRequest {
  return {
    ...softwareFields(software),
    redirect_uris: redirectUris,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: scopes.join(' '),
  };
}

function softwareFields(
  software: PublisherSoftware,
): Pick<
  ClientRegistrationRequest,
  | 'client_name'
  | 'client_uri'
  | 'logo_uri'
  | 'tos_uri'
  | 'policy_uri'
  | 'software_id'
  | 'software_version'
  | 'contacts'
> {
  return {
    client_name: software.clientName,
    client_uri: software.clientUri,
    ...(software.logoUri !== undefined ? { logo_uri: software.logoUri } : {}),
    ...(software.tosUri !== undefined ? { tos_uri: software.tosUri } : {}),
    ...(software.policyUri !== undefined ? { policy_uri: software.policyUri } : {}),
    software_id: software.softwareId,
    software_version: software.softwareVersion,
    ...(software.contacts !== undefined ? { contacts: software.contacts } : {}),
  };
}
