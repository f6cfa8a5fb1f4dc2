export * from './services';
export * from './sis-contract-database';
export * from './oidc-issuer';
