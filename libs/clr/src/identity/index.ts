export * from './identity-hash';
