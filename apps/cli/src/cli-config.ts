import { type AppConfig, ConfigError, loadConfig } from '@app/config';
import { StoreError } from '@app/store';
import { CliInputError } from './cli.errors';

/** Loads the configuration for a command (`--config`, else `CLR_CONFIG`, else the demo); exit 2 when bad. */
export function loadCliConfig(path: string | undefined): AppConfig {
  try {
    return loadConfig(path !== undefined ? { path } : {});
  } catch (error) {
    if (error instanceof ConfigError) throw new CliInputError(error.message);
    throw error;
  }
}

/** A store error a command can explain (schema behind, wrong master key) as exit 2 with its message. */
export function explainStoreError(error: unknown): never {
  if (error instanceof StoreError && (error.code === 'SCHEMA_OUTDATED' || error.code === 'WRONG_MASTER_KEY'))
    throw new CliInputError(error.message);
  throw error;
}
