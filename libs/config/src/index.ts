export * from './config.error';
export * from './clr-config.module';
export * from './loader/config.loader';
export { type Environment } from './loader/env-substitution';
export { projectRoot, resolveFromRoot } from './loader/project-root';
export * from './schema/app-config.schema';
export * from './schema/publisher-config.schema';
export * from './schema/sis-config.schema';
export { masterKeyBytes } from './schema/master-key';
