export * from './model';
export * from './errors';
export * from './json';
export * from './schemas';
export * from './identity';
