import { KeyCipher } from './crypto/key-cipher';
import { type StoreClock, StoreContext } from './database/store-context';
import { type StoreDataSource, createStoreDataSource } from './database/store-data-source';
import { StoreLock } from './database/store-lock';
import {
  applyStoreMigrations,
  assertStoreSchemaCurrent,
  pendingStoreMigrations,
} from './database/store-migrator';
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
import { WalletRepository } from './repositories/wallet.repository';
import { WatermarkRepository } from './repositories/watermark.repository';
import { type StoreOptions } from './store-options';

/** Every repository, bound to one context (the store's, or one transaction's). */
export interface StoreRepositories {
  readonly runs: SyncRunRepository;
  readonly watermarks: WatermarkRepository;
  readonly versions: ClrVersionRepository;
  readonly ledger: AssertionLedgerRepository;
  readonly keys: SigningKeyRepository;
  readonly revocations: RevocationRepository;
  readonly targets: DeliveryTargetRepository;
  readonly deliveries: DeliveryRepository;
  readonly audit: AuditLogRepository;
  readonly plans: RunPlanRepository;
  readonly slots: RunSlotRepository;
  readonly keyOwners: SigningKeyOwnerRepository;
  readonly wallets: WalletRepository;
}

/**
 * What to do about the schema when opening: `verify` (default) refuses to open a database that
 * lacks migrations, `apply` runs them (CLI `migrate`, tests, the embedded demo), `skip` trusts it.
 */
export type MigrationPolicy = 'verify' | 'apply' | 'skip';

export interface OpenStoreOptions {
  /** 32 random bytes that encrypt private keys and client secrets at rest. */
  masterKey: Buffer | Uint8Array;
  migrations?: MigrationPolicy;
  clock?: StoreClock;
}

function repositories(ctx: StoreContext, cipher: KeyCipher): StoreRepositories {
  return {
    runs: new SyncRunRepository(ctx),
    watermarks: new WatermarkRepository(ctx),
    versions: new ClrVersionRepository(ctx),
    ledger: new AssertionLedgerRepository(ctx),
    keys: new SigningKeyRepository(ctx, cipher),
    revocations: new RevocationRepository(ctx),
    targets: new DeliveryTargetRepository(ctx, cipher),
    deliveries: new DeliveryRepository(ctx),
    audit: new AuditLogRepository(ctx),
    plans: new RunPlanRepository(ctx),
    slots: new RunSlotRepository(ctx),
    keyOwners: new SigningKeyOwnerRepository(ctx),
    wallets: new WalletRepository(ctx, cipher),
  };
}

/** The publisher's database: its repositories, transactions across them, migrations. */
export class PublisherStore implements StoreRepositories {
  readonly runs: SyncRunRepository;
  readonly watermarks: WatermarkRepository;
  readonly versions: ClrVersionRepository;
  readonly ledger: AssertionLedgerRepository;
  readonly keys: SigningKeyRepository;
  readonly revocations: RevocationRepository;
  readonly targets: DeliveryTargetRepository;
  readonly deliveries: DeliveryRepository;
  readonly audit: AuditLogRepository;
  readonly plans: RunPlanRepository;
  readonly slots: RunSlotRepository;
  readonly keyOwners: SigningKeyOwnerRepository;
  readonly wallets: WalletRepository;

  private readonly context: StoreContext;

  /** Wraps an initialised data source (prefer {@link PublisherStore.open}). */
  constructor(
    readonly dataSource: StoreDataSource,
    private readonly cipher: KeyCipher,
    clock: StoreClock = () => new Date(),
  ) {
    const lock = dataSource.storeDriver === 'sqlite' ? new StoreLock() : undefined;
    this.context = new StoreContext(dataSource.storeDriver, dataSource.manager, lock, clock);
    const repos = repositories(this.context, cipher);
    this.runs = repos.runs;
    this.watermarks = repos.watermarks;
    this.versions = repos.versions;
    this.ledger = repos.ledger;
    this.keys = repos.keys;
    this.revocations = repos.revocations;
    this.targets = repos.targets;
    this.deliveries = repos.deliveries;
    this.audit = repos.audit;
    this.plans = repos.plans;
    this.slots = repos.slots;
    this.keyOwners = repos.keyOwners;
    this.wallets = repos.wallets;
  }

  /** Connects, handles the schema per `migrations`, and returns the open store. */
  static async open(options: StoreOptions, open: OpenStoreOptions): Promise<PublisherStore> {
    const cipher = new KeyCipher(open.masterKey);
    const dataSource = createStoreDataSource(options);
    await dataSource.initialize();
    try {
      const policy = open.migrations ?? 'verify';
      if (policy === 'apply') await applyStoreMigrations(dataSource);
      else if (policy === 'verify') await assertStoreSchemaCurrent(dataSource);
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
    return new PublisherStore(dataSource, cipher, open.clock);
  }

  /**
   * Runs `work` in one transaction: every repository of `tx` takes part, and everything commits
   * or rolls back together (e.g. store a version, update the ledger, create deliveries). Use
   * only `tx`'s repositories inside.
   */
  transaction<T>(work: (tx: StoreRepositories) => Promise<T>): Promise<T> {
    return this.context.transaction((manager) =>
      work(repositories(this.context.within(manager), this.cipher)),
    );
  }

  /** Applies pending migrations; returns their names. */
  migrate(): Promise<string[]> {
    return applyStoreMigrations(this.dataSource);
  }

  pendingMigrations(): Promise<string[]> {
    return pendingStoreMigrations(this.dataSource);
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** Nest calls this on shutdown. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
