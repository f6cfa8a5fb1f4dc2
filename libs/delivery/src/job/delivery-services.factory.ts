import { type AppConfig } from '@app/config';
import { type StoreRepositories } from '@app/store';
import { ProviderDiscoveryClient } from '../discovery/provider-discovery.client';
import { type HttpClientOptions } from '../http/http-client-options';
import { type SharedTargetLimits } from '../limiter/shared-target-limits';
import { TargetRateLimiter } from '../limiter/target-rate-limiter';
import { OAuthTokenClient } from '../oauth/oauth-token.client';
import { type PublisherSoftware } from '../registration/client-registration';
import { DynamicRegistrationClient } from '../registration/dynamic-registration.client';
import { DeliveryTargetService } from '../targets/delivery-target.service';
import { publisherSoftwareOf } from '../targets/publisher-software';
import { WalletTokenClient } from '../wallets/wallet-token.client';
import { WalletTokenSource } from '../wallets/wallet-token.source';
import { DeliverClrJob } from './deliver-clr.job';
import { type DeliveryQueue } from './delivery-queue';
import { type DeliverySettings, deliverySettingsOf } from './delivery-settings';
import { DeliverySweeper } from './delivery-sweeper';

export interface DeliveryServicesInit {
  /** The publisher store (or a transaction's repositories). */
  store: Pick<StoreRepositories, 'deliveries' | 'versions' | 'targets' | 'audit'> &
    Partial<Pick<StoreRepositories, 'wallets'>>;
  config: Pick<AppConfig, 'delivery' | 'institution' | 'publicBaseUrl'>;
  /** Where retries and sweeps queue deliver jobs. */
  queue: DeliveryQueue;
  /** Overrides of the settings derived from `config.delivery` (tests: short delays). */
  settings?: Partial<DeliverySettings>;
  /** Options of every HTTP client (timeouts of discovery/registration/token, `requireHttps`). */
  http?: HttpClientOptions;
  /** Who registers with providers; default from the institution and `publicBaseUrl`. */
  software?: PublisherSoftware;
  /**
   * Target limits kept across every worker process (the worker's, in Redis); without them each
   * process keeps the limits on its own.
   */
  sharedLimits?: SharedTargetLimits;
}

/** Everything delivery needs, wired: one set per worker process. */
export interface DeliveryServices {
  targets: DeliveryTargetService;
  job: DeliverClrJob;
  sweeper: DeliverySweeper;
  /** Cached OAuth tokens, shared by every target of this process. */
  tokens: OAuthTokenClient;
  /** Per-target concurrency and rate (across processes with `sharedLimits`). */
  limiter: TargetRateLimiter;
  settings: DeliverySettings;
  /** Stops the limiter (waiting jobs are handed back). */
  close(): void;
}

/** Wires the delivery services without Nest (scripts, tests); {@link DeliveryModule} uses it too. */
export function createDeliveryServices(init: DeliveryServicesInit): DeliveryServices {
  const settings = deliverySettingsOf(init.config.delivery, init.settings);
  const http = init.http ?? {};
  const tokens = new OAuthTokenClient(http);
  // Defaults for a target seen before its limits are set (setLimits runs before each acquire).
  const limiter = new TargetRateLimiter({ concurrency: 4, ratePerSecond: 10 }, init.sharedLimits);
  const targets = new DeliveryTargetService(
    init.store,
    init.config,
    new ProviderDiscoveryClient(http),
    new DynamicRegistrationClient(http),
    {
      software: init.software ?? publisherSoftwareOf(init.config),
      ...(http.requireHttps !== undefined ? { requireHttps: http.requireHttps } : {}),
      ...(settings.now !== undefined ? { now: settings.now } : {}),
    },
  );
  // Learners' wallet connections post with the learner's token (refreshed at the wallet).
  const wallets =
    init.store.wallets === undefined
      ? undefined
      : new WalletTokenSource({ wallets: init.store.wallets }, new WalletTokenClient(http), settings.now);
  const job = new DeliverClrJob(init.store, targets, tokens, limiter, init.queue, settings, http, wallets);
  const sweeper = new DeliverySweeper(init.store, init.queue, settings);
  return { targets, job, sweeper, tokens, limiter, settings, close: () => limiter.close() };
}
