export * from './services';
export * from './sis-contract-database';
