import { z } from 'zod';
import { adminSchema, demoAdminSecretIssues } from './admin-config.schema';
import { baseUrl } from './config-primitives';
import {
  caseSchema,
  deliverySchema,
  httpSchema,
  institutionSchema,
  keysSchema,
  loggingSchema,
  mappingSchema,
  redisSchema,
  storeSchema,
} from './publisher-config.schema';
import { pipelineSchema } from './pipeline-config.schema';
import { providerApiSchema } from './provider-api-config.schema';
import { walletsSchema } from './wallets-config.schema';
import { sisSchema } from './sis-config.schema';

/**
 * The fixed secrets of `config/default.yaml`. They are public (committed), so a configuration
 * that publishes anywhere but a loopback address must not use them.
 */
export const DEMO_ID_SECRET = 'demo-only-id-secret-never-use-in-production-0001';
export const DEMO_MASTER_KEY = 'ZGVtby1vbmx5LW1hc3Rlci1rZXktbm90LWZvci11c2U=';

/** Whether the api listens on a loopback address only (`http.host`). */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
  } catch {
    return true; // publicBaseUrl reports its own problem
  }
}

export const appConfigSchema = z
  .object({
    institution: institutionSchema,
    /** Absolute base of every public URL (ids, keys, revocation lists), no trailing slash. */
    publicBaseUrl: baseUrl,
    keys: keysSchema,
    sis: sisSchema,
    case: caseSchema.default({}),
    mapping: mappingSchema.default({}),
    store: storeSchema,
    redis: redisSchema,
    delivery: deliverySchema.default({}),
    http: httpSchema.default({}),
    logging: loggingSchema.default({}),
    admin: adminSchema.default({}),
    /** Provider-read access (`GET /clrs`); absent: those routes answer 401. */
    providerApi: providerApiSchema.optional(),
    pipeline: pipelineSchema.default({}),
    /** Learner wallets (authorization code + PKCE); absent: no `/wallets` routes. */
    wallets: walletsSchema.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    // Demo secrets are public: only an api nobody else can reach may use them.
    if (isLoopback(config.publicBaseUrl) && isLoopbackHost(config.http.host)) return;
    if (config.institution.idSecret === DEMO_ID_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['institution', 'idSecret'],
        message:
          'is the public demo-only secret; publishing or listening beyond loopback (publicBaseUrl, http.host) needs your own',
      });
    }
    if (config.keys.masterKey === DEMO_MASTER_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['keys', 'masterKey'],
        message:
          'is the public demo-only key; publishing or listening beyond loopback (publicBaseUrl, http.host) needs your own',
      });
    }
    for (const issue of demoAdminSecretIssues(config.admin)) ctx.addIssue({ code: 'custom', ...issue });
  });

/** The validated configuration of the whole publisher. */
export type AppConfig = z.output<typeof appConfigSchema>;
