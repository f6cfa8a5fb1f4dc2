import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type DataSource } from 'typeorm';
import { masterKey, sqliteHarness } from '../test/store-harness';
import { PublisherStore } from './publisher-store';
import { DeliveryRepository } from './repositories/delivery.repository';
import { SyncRunRepository } from './repositories/sync-run.repository';
import { STORE_DATA_SOURCE, StoreModule } from './store.module';
import { StoreError } from './store.errors';

@Injectable()
class RunCounter {
  constructor(private readonly runs: SyncRunRepository) {}

  async count(source: string): Promise<number> {
    return (await this.runs.list({ source })).length;
  }
}

const KEY = Buffer.from('a2V5LWZvci10aGUtc3RvcmUtbW9kdWxlLXNwZWMtMDE=', 'base64');

@Module({ providers: [{ provide: 'STORE_CONFIG', useValue: { key: KEY } }], exports: ['STORE_CONFIG'] })
class FakeConfigModule {}

describe('StoreModule', () => {
  const harness = sqliteHarness('module');

  afterAll(() => harness.dispose());

  it('provides the store, its data source and each repository, and closes on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [StoreModule.forRoot({ store: harness.options, masterKey: masterKey(), migrations: 'apply' })],
      providers: [RunCounter],
    }).compile();
    const store = moduleRef.get(PublisherStore);
    const dataSource = moduleRef.get<DataSource>(STORE_DATA_SOURCE);
    expect(dataSource).toBe(store.dataSource);
    expect(moduleRef.get(DeliveryRepository)).toBe(store.deliveries);
    await store.runs.create({ source: 'module', mode: 'full', trigger: 'cli' });
    expect(await moduleRef.get(RunCounter).count('module')).toBe(1);
    await moduleRef.close();
    expect(dataSource.isInitialized).toBe(false);
  });

  it('builds its options asynchronously from injected providers', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        StoreModule.forRootAsync({
          imports: [FakeConfigModule],
          inject: ['STORE_CONFIG'],
          useFactory: (config: { key: Buffer }) => ({ store: harness.options, masterKey: config.key }),
        }),
      ],
    }).compile();
    try {
      expect(await moduleRef.get(PublisherStore).pendingMigrations()).toEqual([]);
    } finally {
      await moduleRef.close();
    }
  });

  it('refuses to start on a database that lacks migrations', async () => {
    const fresh = sqliteHarness('module-fresh');
    try {
      const error: unknown = await Test.createTestingModule({
        imports: [StoreModule.forRoot({ store: fresh.options, masterKey: masterKey() })],
      })
        .compile()
        .catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe('SCHEMA_OUTDATED');
    } finally {
      await fresh.dispose();
    }
  });
});
