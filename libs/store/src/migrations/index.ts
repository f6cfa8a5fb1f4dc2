import { InitialSchema1764300000000 } from './1764300000000-initial-schema.migration';

export { InitialSchema1764300000000 };

/** The store's migrations, oldest first. Append new ones; never edit a released one. */
export const STORE_MIGRATIONS = [InitialSchema1764300000000] as const;
