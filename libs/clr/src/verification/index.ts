export * from './verification-report';
export * from './compact-jws.decoder';
export * from './clr.verifier';
