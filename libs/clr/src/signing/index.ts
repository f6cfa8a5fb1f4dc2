export * from './signing-error';
export * from './compact-jws.signer';
export * from './clr.signer';
