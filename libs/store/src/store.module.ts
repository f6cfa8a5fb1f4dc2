import {
  type DynamicModule,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type OptionalFactoryDependency,
  type Provider,
} from '@nestjs/common';
import { type MigrationPolicy, PublisherStore } from './publisher-store';
import { AssertionLedgerRepository } from './repositories/assertion-ledger.repository';
import { AuditLogRepository } from './repositories/audit-log.repository';
import { ClrVersionRepository } from './repositories/clr-version.repository';
import { DeliveryTargetRepository } from './repositories/delivery-target.repository';
import { DeliveryRepository } from './repositories/delivery.repository';
import { RevocationRepository } from './repositories/revocation.repository';
import { RunPlanRepository } from './repositories/run-plan.repository';
import { RunSlotRepository } from './repositories/run-slot.repository';
import { SigningKeyOwnerRepository } from './repositories/signing-key-owner.repository';
import { SigningKeyRepository } from './repositories/signing-key.repository';
import { SyncRunRepository } from './repositories/sync-run.repository';
import { WatermarkRepository } from './repositories/watermark.repository';
import { type StoreOptions } from './store-options';

export interface StoreModuleOptions {
  store: StoreOptions;
  /** 32 random bytes (`masterKeyBytes(config)` from @app/config). */
  masterKey: Buffer | Uint8Array;
  /** Default `verify`: apps refuse to start on a database that lacks migrations. */
  migrations?: MigrationPolicy;
}

export interface StoreModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: never[]) => StoreModuleOptions | Promise<StoreModuleOptions>;
}

/** Injection token of the StoreModuleOptions. */
export const STORE_MODULE_OPTIONS = Symbol('STORE_MODULE_OPTIONS');
/** Injection token of the store's TypeORM DataSource (a StoreDataSource). */
export const STORE_DATA_SOURCE = Symbol('STORE_DATA_SOURCE');

const REPOSITORIES: {
  token: abstract new (...args: never[]) => unknown;
  pick: (store: PublisherStore) => unknown;
}[] = [
  { token: SyncRunRepository, pick: (store) => store.runs },
  { token: WatermarkRepository, pick: (store) => store.watermarks },
  { token: ClrVersionRepository, pick: (store) => store.versions },
  { token: AssertionLedgerRepository, pick: (store) => store.ledger },
  { token: SigningKeyRepository, pick: (store) => store.keys },
  { token: RevocationRepository, pick: (store) => store.revocations },
  { token: DeliveryTargetRepository, pick: (store) => store.targets },
  { token: DeliveryRepository, pick: (store) => store.deliveries },
  { token: AuditLogRepository, pick: (store) => store.audit },
  { token: RunPlanRepository, pick: (store) => store.plans },
  { token: RunSlotRepository, pick: (store) => store.slots },
  { token: SigningKeyOwnerRepository, pick: (store) => store.keyOwners },
];

/**
 * Provides the PublisherStore, its DataSource (`STORE_DATA_SOURCE`) and each repository by its
 * class, globally. The store opens when the module is instantiated (checking or applying
 * migrations per `migrations`) and closes on application shutdown (`enableShutdownHooks()` or
 * `app.close()`).
 */
@Module({})
export class StoreModule {
  static forRoot(options: StoreModuleOptions): DynamicModule {
    return StoreModule.build([{ provide: STORE_MODULE_OPTIONS, useValue: options }], []);
  }

  static forRootAsync(options: StoreModuleAsyncOptions): DynamicModule {
    return StoreModule.build(
      [
        {
          provide: STORE_MODULE_OPTIONS,
          useFactory: options.useFactory as (
            ...args: unknown[]
          ) => StoreModuleOptions | Promise<StoreModuleOptions>,
          inject: options.inject ?? [],
        },
      ],
      options.imports ?? [],
    );
  }

  private static build(
    optionsProviders: Provider[],
    imports: NonNullable<ModuleMetadata['imports']>,
  ): DynamicModule {
    const providers: Provider[] = [
      ...optionsProviders,
      {
        provide: PublisherStore,
        useFactory: (options: StoreModuleOptions) =>
          PublisherStore.open(options.store, {
            masterKey: options.masterKey,
            migrations: options.migrations,
          }),
        inject: [STORE_MODULE_OPTIONS],
      },
      {
        provide: STORE_DATA_SOURCE,
        useFactory: (store: PublisherStore) => store.dataSource,
        inject: [PublisherStore],
      },
      ...REPOSITORIES.map(({ token, pick }) => ({
        provide: token,
        useFactory: pick,
        inject: [PublisherStore],
      })),
    ];
    return {
      module: StoreModule,
      global: true,
      imports,
      providers,
      exports: [PublisherStore, STORE_DATA_SOURCE, ...REPOSITORIES.map(({ token }) => token)],
    };
  }
}
