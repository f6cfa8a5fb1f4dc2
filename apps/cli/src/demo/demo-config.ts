import { type AppConfig, deliveryTargetSchema, sisSourceSchema, storeSchema } from '@app/config';

/** The name of the one delivery target the demo configures. */
export const DEMO_TARGET = 'stand-in-provider';

export interface DemoConfigInput {
  /** The embedded demo configuration (config/default.yaml), validated. */
  base: AppConfig;
  sisFile: string;
  storeFile: string;
  redisUrl: string;
  /** Queue key prefix of this demo run (unique, so leftovers of another run cannot interfere). */
  queuePrefix: string;
  /** The loopback port the api listens on: `publicBaseUrl` names it, so key URLs resolve. */
  apiPort: number;
  /** The stand-in provider's base URL (the delivery target). */
  providerBaseUrl: string;
}

/**
 * The configuration one demo run uses: the embedded demo's, with its files, its Redis and queue
 * prefix, `publicBaseUrl` on the api's actual port, and one delivery target, the stand-in
 * provider, registered dynamically (RFC 7591) so that path runs too. Its limits are the
 * provider's (loopback, in-process), not a production provider's.
 */
export function demoConfig(input: DemoConfigInput): AppConfig {
  const { base } = input;
  const publicBaseUrl = `http://127.0.0.1:${input.apiPort}`;
  const source = base.sis.sources[0];
  return {
    ...base,
    publicBaseUrl,
    sis: {
      ...base.sis,
      sources: [
        source !== undefined && source.driver === 'sqlite'
          ? { ...source, connection: { ...source.connection, file: input.sisFile } }
          : sisSourceSchema.parse({ name: 'demo', driver: 'sqlite', connection: { file: input.sisFile } }),
      ],
    },
    store: storeSchema.parse({ driver: 'sqlite', file: input.storeFile }),
    redis: { url: input.redisUrl, prefix: input.queuePrefix },
    http: { host: '127.0.0.1', port: input.apiPort },
    delivery: {
      ...base.delivery,
      targets: [
        deliveryTargetSchema.parse({
          name: DEMO_TARGET,
          baseUrl: input.providerBaseUrl,
          auth: { type: 'dynamicRegistration' },
          concurrency: 8,
          ratePerSecond: 10_000,
          // Above the provider's own key fetches (30 s each in the demo): a post it is still
          // checking is not given up on and sent again.
          timeoutMs: 60_000,
        }),
      ],
      retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 5_000 },
    },
  };
}
