import { type AppConfig } from './app-config.schema';

/** The 32-byte key that encrypts private signing keys at rest (validated at load). */
export function masterKeyBytes(config: Pick<AppConfig, 'keys'>): Buffer {
  return Buffer.from(config.keys.masterKey, 'base64');
}
