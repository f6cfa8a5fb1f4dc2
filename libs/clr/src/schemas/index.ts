export * from './schema-locator';
export * from './bundled-contexts';
export * from './openapi-components';
