import { type DataSourceOptions } from 'typeorm';
import { StoreError } from '../store.errors';
import { type StoreDriver } from './portable-column';

/** The store driver behind a TypeORM driver type. */
export function storeDriverOf(type: DataSourceOptions['type']): StoreDriver {
  switch (type) {
    case 'better-sqlite3':
    case 'sqlite':
      return 'sqlite';
    case 'postgres':
      return 'postgres';
    case 'mssql':
      return 'mssql';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    case 'aurora-mysql':
    case 'aurora-postgres':
    case 'capacitor':
    case 'cockroachdb':
    case 'cordova':
    case 'expo':
    case 'mongodb':
    case 'nativescript':
    case 'oracle':
    case 'react-native':
    case 'sap':
    case 'spanner':
    case 'sqljs':
      throw new StoreError('INVALID_OPTIONS', `the store does not support the TypeORM driver "${type}"`);
  }
}
