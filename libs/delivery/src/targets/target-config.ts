import { type DeliveryTargetConfig } from '@app/config';
import { type DeliveryTargetInput } from '@app/store';

/**
 * The store row of a configured target. Client-credentials targets carry their id and secret
 * (the store encrypts the secret); dynamic-registration targets leave the stored client alone
 * (`undefined` keeps it), since it came from the provider, not from the configuration.
 */
export function targetInputOf(target: DeliveryTargetConfig): DeliveryTargetInput {
  const common = {
    name: target.name,
    baseUrl: target.baseUrl,
    scopes: target.scopes,
    payloadForm: target.payload,
    concurrency: target.concurrency,
    ratePerSecond: target.ratePerSecond,
    timeoutMs: target.timeoutMs,
    enabled: target.enabled,
  };
  switch (target.auth.type) {
    case 'clientCredentials':
      return {
        ...common,
        authMode: 'client_credentials',
        clientId: target.auth.clientId,
        clientSecret: target.auth.clientSecret,
        tokenUrl: target.auth.tokenUrl ?? null,
        discoveryUrl: null,
      };
    case 'dynamicRegistration':
      return {
        ...common,
        authMode: 'dynamic_registration',
        tokenUrl: null,
        discoveryUrl: target.auth.discoveryUrl ?? null,
      };
  }
}
