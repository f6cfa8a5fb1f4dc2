import { z } from 'zod';
import { baseUrl, decimal, email, flag, httpUrl, integer, nonEmpty, slug } from './config-primitives';

/** The issuing institution: publisher of every CLR and default issuer of its assertions. */
export const institutionSchema = z
  .object({
    /** Stable short id; part of issuer URLs, so never change it once anything is published. */
    id: slug,
    name: nonEmpty,
    url: httpUrl,
    email: email,
    /** HMAC secret for deterministic ids: same SIS row -> same id on every run and machine. */
    idSecret: z.string().min(32, 'must be at least 32 characters (it keys the HMAC for all ids)'),
  })
  .strict();
export type InstitutionConfig = z.output<typeof institutionSchema>;

/** Signing-key material. */
export const keysSchema = z
  .object({
    /** 32 bytes, base64: encrypts the private signing keys at rest (AES-256-GCM). */
    masterKey: z
      .string()
      .trim()
      .refine(
        (value) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32,
        'must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)',
      ),
  })
  .strict();
export type KeysConfig = z.output<typeof keysSchema>;

export const CASE_UNRESOLVED_BEHAVIOURS = ['keep-url', 'omit', 'fail'] as const;

/** CASE frameworks: local package files first, then the CASE API. */
export const caseSchema = z
  .object({
    /** CFPackage JSON files; relative paths are resolved against the project root. */
    packages: z.array(nonEmpty).default([]),
    /** A CASE 1.0 provider (`{baseUrl}/ims/case/v1p0/...`) for items not in a package. */
    api: z
      .object({
        baseUrl: baseUrl,
        timeoutMs: integer(100, 300_000).default(10_000),
        cacheTtlSeconds: integer(0, 30 * 24 * 3600).default(86_400),
      })
      .strict()
      .optional(),
    /**
     * An alignment whose CASE item cannot be resolved: `keep-url` keeps it with the item URI only,
     * `omit` drops the alignment, `fail` fails that learner's build.
     */
    onUnresolved: z.enum(CASE_UNRESOLVED_BEHAVIOURS).default('keep-url'),
  })
  .strict();
export type CaseConfig = z.output<typeof caseSchema>;

export const RECIPIENT_IDENTITIES = ['email-then-studentId', 'studentId', 'email'] as const;
export type RecipientIdentity = (typeof RECIPIENT_IDENTITIES)[number];

const gradeSchema = z
  .object({
    /** Grade points (e.g. 4.0 for A), when the grade counts toward a GPA. */
    points: decimal(0, 100).optional(),
    passing: flag(),
  })
  .strict();

export const DEFAULT_GRADE_SCALE: Record<string, { points?: number; passing: boolean }> = {
  A: { points: 4, passing: true },
  'A-': { points: 3.7, passing: true },
  'B+': { points: 3.3, passing: true },
  B: { points: 3, passing: true },
  'B-': { points: 2.7, passing: true },
  'C+': { points: 2.3, passing: true },
  C: { points: 2, passing: true },
  'C-': { points: 1.7, passing: true },
  'D+': { points: 1.3, passing: true },
  D: { points: 1, passing: true },
  F: { points: 0, passing: false },
  P: { passing: true },
  NP: { passing: false },
  W: { passing: false },
  IP: { passing: false },
};

/** How SIS records become CLR objects. */
export const mappingSchema = z
  .object({
    /** Letter grade -> points and whether it passes. Letters not listed are reported by the mapping. */
    gradeScale: z
      .record(nonEmpty, gradeSchema)
      .refine(
        (scale) => Object.keys(scale).length > 0,
        'must list at least one grade (every grade would be left out)',
      )
      .default(DEFAULT_GRADE_SCALE),
    /** Which learner attribute identifies the recipient of every assertion. */
    recipientIdentity: z.enum(RECIPIENT_IDENTITIES).default('email-then-studentId'),
    /** Hash (salted SHA-256) the recipient identity instead of publishing it in clear. */
    hashRecipientIdentity: flag().default(true),
    /** Competency performance levels, lowest first. */
    competencyLevels: z.array(nonEmpty).min(1).default(['Beginning', 'Developing', 'Proficient', 'Mastered']),
  })
  .strict();
export type MappingConfig = z.output<typeof mappingSchema>;

const storeNetwork = {
  host: nonEmpty,
  database: nonEmpty,
  user: nonEmpty,
  password: z.string().default(''),
  schema: nonEmpty.optional(),
};

/** The publisher's own database (runs, versions, deliveries, keys, revocations). */
export const storeSchema = z.discriminatedUnion('driver', [
  z
    .object({
      driver: z.literal('sqlite'),
      /** Relative paths are resolved against the project root. */
      file: nonEmpty,
      logging: flag().default(false),
    })
    .strict(),
  z
    .object({
      driver: z.literal('postgres'),
      connection: z
        .object({ ...storeNetwork, port: integer(1, 65535).default(5432), ssl: flag().default(false) })
        .strict(),
      logging: flag().default(false),
    })
    .strict(),
  z
    .object({
      driver: z.literal('mssql'),
      connection: z
        .object({
          ...storeNetwork,
          port: integer(1, 65535).default(1433),
          encrypt: flag().default(true),
          trustServerCertificate: flag().default(false),
        })
        .strict(),
      logging: flag().default(false),
    })
    .strict(),
]);
export type StoreConfig = z.output<typeof storeSchema>;

export const redisSchema = z
  .object({
    url: z
      .string()
      .trim()
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL'),
    /** Key prefix for the queues, so several deployments can share one Redis. */
    prefix: slug.default('clr'),
  })
  .strict();
export type RedisConfig = z.output<typeof redisSchema>;

export const CLR_SCOPE_REPLACE = 'https://purl.imsglobal.org/spec/clr/v1p0/scope/replace';

const deliveryAuthSchema = z.discriminatedUnion('type', [
  z
    .object({
      /** OAuth 2.0 client credentials with a client registered out of band. */
      type: z.literal('clientCredentials'),
      clientId: nonEmpty,
      clientSecret: nonEmpty,
      /** Default: `tokenUrl` of the target's discovery document. */
      tokenUrl: httpUrl.optional(),
    })
    .strict(),
  z
    .object({
      /** RFC 7591 registration at the `registrationUrl` of the target's discovery document. */
      type: z.literal('dynamicRegistration'),
      /** Default: `{baseUrl}/ims/clr/v1p0/discovery`. */
      discoveryUrl: httpUrl.optional(),
    })
    .strict(),
]);

/** A CLR consumer the publisher POSTs CLRs to. */
export const deliveryTargetSchema = z
  .object({
    name: slug,
    enabled: flag().default(true),
    /** The provider's base; the publisher calls `{baseUrl}/ims/clr/v1p0/clrs`. */
    baseUrl: baseUrl,
    auth: deliveryAuthSchema,
    scopes: z.array(nonEmpty).min(1).default([CLR_SCOPE_REPLACE]),
    /** `signedClr`: the compact JWS of the CLR; `clr`: the CLR JSON. */
    payload: z.enum(['signedClr', 'clr']).default('signedClr'),
    concurrency: integer(1, 256).default(4),
    ratePerSecond: decimal(0.01, 10_000).default(10),
    timeoutMs: integer(100, 600_000).default(30_000),
  })
  .strict();
export type DeliveryTargetConfig = z.output<typeof deliveryTargetSchema>;

/** How a delivery that got no answer, a 5xx or a 429 is tried again. */
export const deliveryRetrySchema = z
  .object({
    /** Attempts in all (the first one included) before a delivery is marked dead. */
    maxAttempts: integer(1, 100).default(8),
    /** Delay before the first retry; doubles with each further one (full jitter), ms. */
    baseDelayMs: integer(0, 3_600_000).default(2_000),
    /** Longest computed delay, ms (a provider's Retry-After may ask for longer). */
    maxDelayMs: integer(0, 24 * 3_600_000).default(600_000),
  })
  .strict()
  .refine((retry) => retry.maxDelayMs >= retry.baseDelayMs, {
    message: 'maxDelayMs must not be below baseDelayMs',
    path: ['maxDelayMs'],
  });
export type DeliveryRetryConfig = z.output<typeof deliveryRetrySchema>;

export const deliverySchema = z
  .object({
    targets: z.array(deliveryTargetSchema).default([]),
    retry: deliveryRetrySchema.default({}),
    /**
     * A delivery claimed this long ago and still in flight is taken to belong to a worker that
     * died, and is claimed again. Must exceed the longest post (twice a target's timeoutMs: a
     * 401 sends once more with a fresh token).
     */
    staleAfterSeconds: integer(10, 24 * 3600).default(300),
    /** How often each worker re-queues due, lost and stale deliveries, seconds. */
    sweepIntervalSeconds: integer(1, 3600).default(30),
    /** Deliver jobs one worker runs at once. Default: the enabled targets' concurrency summed. */
    workerConcurrency: integer(1, 1024).optional(),
  })
  .strict()
  .superRefine((delivery, ctx) => {
    const seen = new Set<string>();
    delivery.targets.forEach((target, index) => {
      if (seen.has(target.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', index, 'name'],
          message: `duplicate target name "${target.name}"`,
        });
      }
      seen.add(target.name);
      if (delivery.staleAfterSeconds * 1000 <= 2 * target.timeoutMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['staleAfterSeconds'],
          message: `must exceed twice the timeoutMs of target "${target.name}" (${(2 * target.timeoutMs) / 1000} s), or a slow post would be claimed twice`,
        });
      }
    });
  });
export type DeliveryConfig = z.output<typeof deliverySchema>;

/** Where the api app listens. */
export const httpSchema = z
  .object({
    host: nonEmpty.default('127.0.0.1'),
    port: integer(0, 65535).default(3000),
  })
  .strict();
export type HttpConfig = z.output<typeof httpSchema>;

export const loggingSchema = z
  .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
  .strict();
export type LoggingConfig = z.output<typeof loggingSchema>;
