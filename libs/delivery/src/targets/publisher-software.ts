import { readFileSync } from 'node:fs';
import { type AppConfig, resolveFromRoot } from '@app/config';
import { type PublisherSoftware } from '../registration/client-registration';

/** The RFC 7591 `software_id` of this product. */
export const PUBLISHER_SOFTWARE_ID = 'clr-publisher';

let cachedVersion: string | undefined;

/** The product version from the project's package.json (read once). */
export function publisherSoftwareVersion(): string {
  if (cachedVersion === undefined) {
    const manifest = JSON.parse(readFileSync(resolveFromRoot('package.json'), 'utf8')) as {
      version?: unknown;
    };
    if (typeof manifest.version !== 'string' || manifest.version === '') {
      throw new Error('package.json has no version: cannot name the publisher software in a registration');
    }
    cachedVersion = manifest.version;
  }
  return cachedVersion;
}

/** Who registers with a provider: the institution's publisher, contactable at its registrar. */
export function publisherSoftwareOf(
  config: Pick<AppConfig, 'institution' | 'publicBaseUrl'>,
): PublisherSoftware {
  return {
    clientName: `${config.institution.name} CLR publisher`,
    clientUri: config.publicBaseUrl,
    softwareId: PUBLISHER_SOFTWARE_ID,
    softwareVersion: publisherSoftwareVersion(),
    contacts: [config.institution.email],
  };
}
