import { type AppConfig, ConfigError, loadConfig } from '@app/config';
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
