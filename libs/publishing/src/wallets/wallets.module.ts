import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  DynamicRegistrationClient,
  ProviderDiscoveryClient,
  WalletTokenClient,
  publisherSoftwareOf,
} from '@app/delivery';
import { JobProducer } from '@app/jobs';
import { ClrIdFactory } from '@app/mapping';
import { PublisherStore } from '@app/store';
import { Module } from '@nestjs/common';
import { JobProducerDeliveryQueue } from '../operations/job-producer-delivery-queue';
import { PublishingModule } from '../publishing.module';
import { PortalLinkVerifier } from './portal-link.verifier';
import { WalletConnectService } from './wallet-connect.service';
import { WalletOperations } from './wallet.operations';

/** Injection token of the {@link WalletConnectService}, or null when `wallets` is not configured. */
export const WALLET_CONNECT = Symbol('WALLET_CONNECT');

/** Learner wallets for the api and the CLI: the connect flow (when configured) and operators' operations. */
@Module({
  imports: [PublishingModule],
  providers: [
    {
      provide: WalletOperations,
      inject: [PublisherStore, ClrIdFactory],
      useFactory: (store: PublisherStore, ids: ClrIdFactory) => new WalletOperations(store, ids),
    },
    {
      provide: WALLET_CONNECT,
      inject: [PublisherStore, ClrIdFactory, APP_CONFIG, JobProducer],
      useFactory: (store: PublisherStore, ids: ClrIdFactory, config: AppConfig, producer: JobProducer) =>
        createWalletConnectService(store, ids, config, new JobProducerDeliveryQueue(producer)),
    },
  ],
  exports: [WalletOperations, WALLET_CONNECT],
})
export class WalletsModule {}

/** Wires the connect flow from the configuration; null when `wallets` is absent. */
export function createWalletConnectService(
  store: PublisherStore,
  ids: ClrIdFactory,
  config: AppConfig,
  queue: ConstructorParameters<typeof WalletConnectService>[7],
): WalletConnectService | null {
  const wallets = config.wallets;
  if (wallets === undefined) return null;
  const http = { timeoutMs: wallets.timeoutMs };
  const software = publisherSoftwareOf(config);
  return new WalletConnectService(
    store,
    ids,
    wallets,
    new PortalLinkVerifier(wallets.portal),
    new ProviderDiscoveryClient(http),
    new DynamicRegistrationClient(http),
    new WalletTokenClient(http),
    queue,
    {
      clientUri: software.clientUri,
      softwareId: software.softwareId,
      softwareVersion: software.softwareVersion,
    },
  );
}
