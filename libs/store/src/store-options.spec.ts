import { type StoreConfig } from '@app/config';
import { storeDataSourceOptions } from './database/store-data-source';
import { describeStore, storeOptionsFromConfig } from './store-options.from-config';
import { type StoreOptions, parseStoreUrl, validateStoreOptions } from './store-options';
import { StoreError } from './store.errors';

function storeError(run: () => unknown): StoreError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError');
}

describe('parseStoreUrl', () => {
  it('reads SQLite paths, relative and absolute', () => {
    expect(parseStoreUrl('sqlite:.data/publisher.sqlite')).toEqual({
      driver: 'sqlite',
      file: '.data/publisher.sqlite',
    });
    expect(parseStoreUrl('sqlite:///var/lib/clr/store.db')).toEqual({
      driver: 'sqlite',
      file: '/var/lib/clr/store.db',
    });
    expect(parseStoreUrl('sqlite://data/x%20y.db')).toEqual({ driver: 'sqlite', file: 'data/x y.db' });
  });

  it('reads network URLs with credentials, port, schema and flags', () => {
    expect(parseStoreUrl('postgres://clr:p%40ss@db.local:6432/clr?schema=publisher&ssl=true')).toEqual({
      driver: 'postgres',
      host: 'db.local',
      port: 6432,
      database: 'clr',
      username: 'clr',
      password: 'p@ss',
      schema: 'publisher',
      ssl: true,
    });
    expect(parseStoreUrl('mssql://sa:pw@sql.local/clr?encrypt=false&trustServerCertificate=1')).toMatchObject(
      {
        driver: 'mssql',
        port: undefined,
        options: { encrypt: false, trustServerCertificate: true },
      },
    );
    expect(parseStoreUrl('mariadb://root@127.0.0.1:3306/test')).toMatchObject({
      driver: 'mariadb',
      username: 'root',
      password: '',
    });
    expect(parseStoreUrl('mysql://u:p@h/d')).toMatchObject({ driver: 'mysql', database: 'd' });
  });

  it('explains what is wrong without repeating the URL (it may hold a password)', () => {
    const unknown = storeError(() => parseStoreUrl('oracle://u:topsecret@h/d'));
    expect(unknown.code).toBe('INVALID_OPTIONS');
    expect(unknown.message).toMatch(/unknown scheme oracle:/);
    const missing = storeError(() => parseStoreUrl('postgres://:topsecret@h'));
    expect(missing.message).toMatch(/needs a user, a host and a database/);
    expect(missing.message).not.toContain('topsecret');
    expect(storeError(() => parseStoreUrl('postgres://u@h/d?ssl=maybe')).message).toMatch(
      /ssl must be true or false/,
    );
    expect(storeError(() => parseStoreUrl('sqlite:')).message).toMatch(/needs a file path/);
    expect(storeError(() => parseStoreUrl('no scheme')).message).toMatch(/unknown scheme \(none\)/);
  });
});

describe('validateStoreOptions', () => {
  it('lists every bad field at once', () => {
    const error = storeError(() =>
      validateStoreOptions({
        driver: 'postgres',
        host: '',
        database: 'd',
        username: ' ',
        port: 70000,
        poolSize: 0,
      }),
    );
    expect(error.message).toBe(
      'store options (postgres): host must be a non-empty string; username must be a non-empty string; port must be an integer from 1 to 65535; poolSize must be a positive integer',
    );
  });

  it('rejects an unknown driver and an empty SQLite file', () => {
    expect(
      storeError(() => validateStoreOptions({ driver: 'oracle' } as unknown as StoreOptions)).message,
    ).toMatch(/driver must be one of sqlite, postgres, mssql, mysql, mariadb \(got oracle\)/);
    expect(storeError(() => validateStoreOptions({ driver: 'sqlite', file: '' })).message).toMatch(
      /file must be/,
    );
  });
});

describe('storeDataSourceOptions', () => {
  it('sets up UTC timestamps and safe defaults per driver, never synchronize', () => {
    const sqlite = storeDataSourceOptions({ driver: 'sqlite', file: '/tmp/x.db' });
    expect(sqlite).toMatchObject({
      type: 'better-sqlite3',
      enableWAL: true,
      timeout: 5000,
      synchronize: false,
    });
    const mssql = storeDataSourceOptions({ driver: 'mssql', host: 'h', database: 'd', username: 'u' });
    expect(mssql).toMatchObject({
      type: 'mssql',
      port: 1433,
      options: { useUTC: true, encrypt: true, trustServerCertificate: false },
    });
    const maria = storeDataSourceOptions({ driver: 'mariadb', host: 'h', database: 'd', username: 'u' });
    expect(maria).toMatchObject({ type: 'mariadb', timezone: 'Z', charset: 'utf8mb4' });
    const pg = storeDataSourceOptions({
      driver: 'postgres',
      host: 'h',
      database: 'd',
      username: 'u',
      schema: 's',
    });
    expect(pg).toMatchObject({ type: 'postgres', schema: 's', extra: { options: '-c TimeZone=UTC' } });
    for (const options of [sqlite, mssql, maria, pg]) {
      expect(options).toMatchObject({
        migrationsTableName: 'store_migrations',
        synchronize: false,
        migrationsRun: false,
      });
    }
  });
});

describe('storeOptionsFromConfig', () => {
  it('maps each configured driver', () => {
    expect(storeOptionsFromConfig({ driver: 'sqlite', file: '/abs/store.db', logging: false })).toEqual({
      driver: 'sqlite',
      file: '/abs/store.db',
      logging: false,
    });
    const mssql: StoreConfig = {
      driver: 'mssql',
      logging: true,
      connection: {
        host: 'sql',
        port: 1433,
        database: 'clr',
        user: 'clr_app',
        password: 'pw',
        schema: 'pub',
        encrypt: true,
        trustServerCertificate: false,
      },
    };
    expect(storeOptionsFromConfig(mssql)).toEqual({
      driver: 'mssql',
      host: 'sql',
      port: 1433,
      database: 'clr',
      username: 'clr_app',
      password: 'pw',
      schema: 'pub',
      options: { encrypt: true, trustServerCertificate: false },
      logging: true,
    });
    expect(
      storeOptionsFromConfig({
        driver: 'postgres',
        logging: false,
        connection: { host: 'pg', port: 5432, database: 'clr', user: 'u', password: '', ssl: true },
      }),
    ).toMatchObject({ driver: 'postgres', username: 'u', ssl: true });
  });

  it('describes a store without its password', () => {
    const text = describeStore({
      driver: 'postgres',
      host: 'pg',
      port: 5432,
      database: 'clr',
      username: 'u',
      password: 'topsecret',
      schema: 'pub',
    });
    expect(text).toBe('postgres pg:5432/clr (schema pub)');
    expect(describeStore({ driver: 'sqlite', file: '.data/publisher.sqlite' })).toBe(
      'sqlite .data/publisher.sqlite',
    );
  });
});
