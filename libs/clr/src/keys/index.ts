export * from './rsa-key';
export * from './signer';
export * from './key-documents';
export * from './key-resolver';
export * from './memory-key.resolver';
export * from './http-key.resolver';
export * from './http-document.cache';
export * from './local-file-key.resolver';
