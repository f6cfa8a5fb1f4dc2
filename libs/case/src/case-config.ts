import { type CaseConfig } from '@app/config';
import { type CaseModuleOptions } from './case.module';

/**
 * The resolver options of the validated `case` configuration section: package files (already
 * resolved against the project root by the loader) and the CASE API with its timeout and cache
 * TTL. `onUnresolved` is not the resolver's business: the build decides what a fallback means.
 */
export function caseModuleOptionsFromConfig(config: CaseConfig): CaseModuleOptions {
  const options: CaseModuleOptions = { packageFiles: config.packages };
  if (config.api !== undefined) {
    options.service = {
      baseUrl: config.api.baseUrl,
      timeoutMs: config.api.timeoutMs,
      cacheTtlMs: config.api.cacheTtlSeconds * 1000,
    };
  }
  return options;
}
