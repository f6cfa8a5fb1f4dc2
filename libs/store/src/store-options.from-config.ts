import { type StoreConfig } from '@app/config';
import { type StoreOptions } from './store-options';

/** The store options of a validated configuration's `store` section. */
export function storeOptionsFromConfig(config: StoreConfig): StoreOptions {
  switch (config.driver) {
    case 'sqlite':
      return { driver: 'sqlite', file: config.file, logging: config.logging };
    case 'postgres':
      return {
        driver: 'postgres',
        host: config.connection.host,
        port: config.connection.port,
        database: config.connection.database,
        username: config.connection.user,
        password: config.connection.password,
        schema: config.connection.schema,
        ssl: config.connection.ssl,
        logging: config.logging,
      };
    case 'mssql':
      return {
        driver: 'mssql',
        host: config.connection.host,
        port: config.connection.port,
        database: config.connection.database,
        username: config.connection.user,
        password: config.connection.password,
        schema: config.connection.schema,
        options: {
          encrypt: config.connection.encrypt,
          trustServerCertificate: config.connection.trustServerCertificate,
        },
        logging: config.logging,
      };
  }
}

/** Where the store is, for messages: driver and file or host/database, never a password. */
export function describeStore(options: StoreOptions): string {
  switch (options.driver) {
    case 'sqlite':
      return `sqlite ${options.file}`;
    case 'postgres':
    case 'mssql':
      return `${options.driver} ${options.host}:${options.port ?? 'default port'}/${options.database}${options.schema ? ` (schema ${options.schema})` : ''}`;
    case 'mysql':
    case 'mariadb':
      return `${options.driver} ${options.host}:${options.port ?? 'default port'}/${options.database}`;
  }
}
