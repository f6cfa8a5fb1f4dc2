import {
  type DynamicModule,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PublisherStore } from '@app/store';
import { type HttpClientOptions } from '../http/http-client-options';
import { type SharedTargetLimits } from '../limiter/shared-target-limits';
import { TargetRateLimiter } from '../limiter/target-rate-limiter';
import { OAuthTokenClient } from '../oauth/oauth-token.client';
import { DeliveryTargetService } from '../targets/delivery-target.service';
import { DeliverClrJob } from './deliver-clr.job';
import { DELIVERY_QUEUE, type DeliveryQueue } from './delivery-queue';
import { createDeliveryServices, type DeliveryServices } from './delivery-services.factory';
import { type DeliverySettings } from './delivery-settings';
import { DeliverySweeper } from './delivery-sweeper';

export interface DeliveryModuleOptions {
  /** Modules the queue factory needs. */
  imports?: ModuleMetadata['imports'];
  /** How to get the {@link DeliveryQueue} (e.g. from the job catalogue's producer). */
  queue: {
    inject?: (InjectionToken | OptionalFactoryDependency)[];
    useFactory: (...args: never[]) => DeliveryQueue | Promise<DeliveryQueue>;
  };
  settings?: Partial<DeliverySettings>;
  http?: HttpClientOptions;
  /** How to get limits shared by every worker process (e.g. on the queues' Redis); default per process. */
  sharedLimits?: {
    inject?: (InjectionToken | OptionalFactoryDependency)[];
    useFactory: (...args: never[]) => SharedTargetLimits;
  };
}

const SHARED_TARGET_LIMITS = Symbol('SHARED_TARGET_LIMITS');

/** Injection token of the wired {@link DeliveryServices}. */
export const DELIVERY_SERVICES = Symbol('DELIVERY_SERVICES');

class DeliveryServicesCloser implements OnApplicationShutdown {
  constructor(private readonly services: DeliveryServices) {}
  onApplicationShutdown(): void {
    this.services.close();
  }
}

/**
 * Nest wiring of delivery: {@link DeliveryTargetService}, {@link DeliverClrJob},
 * {@link DeliverySweeper}, the token cache and the per-target limiter, from the global
 * `APP_CONFIG` and `PublisherStore` (ClrConfigModule, StoreModule) and the given queue.
 * Not global: import it where deliveries are handled (the worker) or targets are read.
 */
@Module({})
export class DeliveryModule {
  static forRoot(options: DeliveryModuleOptions): DynamicModule {
    return {
      module: DeliveryModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: DELIVERY_QUEUE,
          inject: options.queue.inject ?? [],
          useFactory: options.queue.useFactory as (
            ...args: unknown[]
          ) => DeliveryQueue | Promise<DeliveryQueue>,
        },
        {
          provide: SHARED_TARGET_LIMITS,
          inject: options.sharedLimits?.inject ?? [],
          useFactory: (...args: unknown[]): SharedTargetLimits | null =>
            options.sharedLimits === undefined
              ? null
              : (options.sharedLimits.useFactory as (...args: unknown[]) => SharedTargetLimits)(...args),
        },
        {
          provide: DELIVERY_SERVICES,
          inject: [PublisherStore, APP_CONFIG, DELIVERY_QUEUE, SHARED_TARGET_LIMITS],
          useFactory: (
            store: PublisherStore,
            config: AppConfig,
            queue: DeliveryQueue,
            sharedLimits: SharedTargetLimits | null,
          ): DeliveryServices =>
            createDeliveryServices({
              store,
              config,
              queue,
              ...(options.settings !== undefined ? { settings: options.settings } : {}),
              ...(options.http !== undefined ? { http: options.http } : {}),
              ...(sharedLimits !== null ? { sharedLimits } : {}),
            }),
        },
        {
          provide: DeliveryTargetService,
          inject: [DELIVERY_SERVICES],
          useFactory: (s: DeliveryServices) => s.targets,
        },
        { provide: DeliverClrJob, inject: [DELIVERY_SERVICES], useFactory: (s: DeliveryServices) => s.job },
        {
          provide: DeliverySweeper,
          inject: [DELIVERY_SERVICES],
          useFactory: (s: DeliveryServices) => s.sweeper,
        },
        {
          provide: OAuthTokenClient,
          inject: [DELIVERY_SERVICES],
          useFactory: (s: DeliveryServices) => s.tokens,
        },
        {
          provide: TargetRateLimiter,
          inject: [DELIVERY_SERVICES],
          useFactory: (s: DeliveryServices) => s.limiter,
        },
        {
          provide: DeliveryServicesCloser,
          inject: [DELIVERY_SERVICES],
          useFactory: (s: DeliveryServices) => new DeliveryServicesCloser(s),
        },
      ],
      exports: [
        DELIVERY_SERVICES,
        DELIVERY_QUEUE,
        DeliveryTargetService,
        DeliverClrJob,
        DeliverySweeper,
        OAuthTokenClient,
        TargetRateLimiter,
      ],
    };
  }
}
