export * from './imsx-status-info';
export * from './imsx-error';
