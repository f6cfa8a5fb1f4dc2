import { type AppConfig, masterKeyBytes } from '@app/config';
import { ClrIdFactory } from '@app/mapping';
import { PublicationUrls, SigningKeyService } from '@app/publishing';
import { PublisherStore, storeOptionsFromConfig } from '@app/store';

/** The key service over the configured store, without queues or SIS (keys rotate / list). */
export async function openSigningKeys(
  config: AppConfig,
): Promise<{ keys: SigningKeyService; close(): Promise<void> }> {
  const store = await PublisherStore.open(storeOptionsFromConfig(config.store), {
    masterKey: masterKeyBytes(config),
  });
  const urls = new PublicationUrls(
    config.publicBaseUrl,
    new ClrIdFactory(config.publicBaseUrl, config.institution.idSecret),
  );
  return { keys: new SigningKeyService(store, urls), close: () => store.close() };
}
