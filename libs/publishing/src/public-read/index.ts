export * from './clr-page-query';
export * from './provider-access.verifier';
export * from './public-clr.reader';
export * from './public-key-documents';
export * from './public-read.error';
export * from './public-read.module';
export { type StoredClr, assertionIn, storedClrOf } from './stored-clr-document';
