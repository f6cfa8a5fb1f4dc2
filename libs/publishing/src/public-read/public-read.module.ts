import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ClrIdFactory } from '@app/mapping';
import { PublisherStore } from '@app/store';
import { PublicationUrls } from '../keys/publication-urls';
import { ProviderAccessVerifier } from './provider-access.verifier';
import { PUBLIC_KEY_DOCUMENTS, PublishedKeyDocuments } from './public-key-documents';
import { PublicClrReader } from './public-clr.reader';

/**
 * Provides what the public CLR endpoints read with: {@link PublicClrReader},
 * {@link PUBLIC_KEY_DOCUMENTS} and {@link ProviderAccessVerifier}. Needs the app to import
 * `ClrConfigModule.forRoot()` and `StoreModule` (both global).
 */
@Module({
  providers: [
    {
      provide: ClrIdFactory,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ClrIdFactory(config.publicBaseUrl, config.institution.idSecret),
    },
    {
      provide: PublicationUrls,
      inject: [APP_CONFIG, ClrIdFactory],
      useFactory: (config: AppConfig, ids: ClrIdFactory) => new PublicationUrls(config.publicBaseUrl, ids),
    },
    {
      provide: PublicClrReader,
      inject: [PublisherStore, APP_CONFIG, ClrIdFactory, PublicationUrls],
      useFactory: (store: PublisherStore, config: AppConfig, ids: ClrIdFactory, urls: PublicationUrls) =>
        new PublicClrReader(store, config, ids, urls),
    },
    {
      provide: PUBLIC_KEY_DOCUMENTS,
      inject: [PublisherStore, PublicationUrls],
      useFactory: (store: PublisherStore, urls: PublicationUrls) => new PublishedKeyDocuments(store, urls),
    },
    {
      provide: ProviderAccessVerifier,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ProviderAccessVerifier(config.providerApi),
    },
  ],
  exports: [PublicClrReader, PUBLIC_KEY_DOCUMENTS, ProviderAccessVerifier],
})
export class PublicReadModule {}
