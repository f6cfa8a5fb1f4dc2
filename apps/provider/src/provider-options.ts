import { type LogLevel } from '@nestjs/common';

/** A client known before the provider starts (no dynamic registration needed). */
export interface PreRegisteredClient {
  clientId: string;
  clientSecret: string;
  /** Scopes the client may be granted; defaults to every CLR scope. */
  scopes?: string[];
  /** Defaults to `client_secret_basic`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

/** Options of {@link startStandInProvider}; every field has a default. */
export interface StandInProviderOptions {
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /**
   * Base URL the provider names in its discovery document and Link headers. Default:
   * `http://{host}:{bound port}`.
   */
  publicBaseUrl?: string;
  /** `name` of the discovery document. */
  name?: string;
  /** `imsx_codeMinorFieldName` in error bodies: "the system that produced the code minor". */
  systemName?: string;
  /** Lifetime of issued access tokens, seconds. Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Largest accepted request body, bytes (postClr, registration, token). Default 8 MiB. */
  maxBodyBytes?: number;
  /**
   * Verify `signedClr` signatures with `verifyClr` from `@app/clr`, fetching keys over HTTP
   * from the signer. Default true; turn off when the publisher's keys are not reachable.
   */
  verifySignatures?: boolean;
  /**
   * Validate each postClr payload (structure, JSON-LD, semantics; signatures too when
   * `verifySignatures`). Default true. Off, a payload only needs a `clr` object with an `id` or
   * a `signedClr` JWS whose payload is one: for load tests, where the receiver's checks must
   * not be charged to the sender's machine.
   */
  validatePayloads?: boolean;
  /** Timeout of each key/revocation fetch while verifying, ms. Default 5000. */
  verificationFetchTimeoutMs?: number;
  /**
   * Fetch keys and revocation lists over plain http from hosts other than loopback (a demo in
   * containers). Default false.
   */
  allowInsecureKeyUrls?: boolean;
  /** Clients that exist from the start. */
  clients?: PreRegisteredClient[];
  /** Serve the `/_provider` test-control API. Default true. */
  controlApi?: boolean;
  /** Nest log levels; default none (tests), `main.ts` turns them on. */
  logLevels?: LogLevel[];
}

/** The options with defaults applied. */
export type ResolvedProviderOptions = Required<Omit<StandInProviderOptions, 'publicBaseUrl'>> & {
  publicBaseUrl?: string;
};

export const DEFAULT_PROVIDER_OPTIONS = {
  port: 0,
  host: '127.0.0.1',
  name: 'Stand-in CLR Provider',
  systemName: 'stand-in-clr-provider',
  accessTokenTtlSeconds: 3600,
  maxBodyBytes: 8 * 1024 * 1024,
  verifySignatures: true,
  validatePayloads: true,
  verificationFetchTimeoutMs: 5000,
  allowInsecureKeyUrls: false,
  controlApi: true,
} as const;

export function resolveProviderOptions(options: StandInProviderOptions): ResolvedProviderOptions {
  const resolved: ResolvedProviderOptions = {
    port: options.port ?? DEFAULT_PROVIDER_OPTIONS.port,
    host: options.host ?? DEFAULT_PROVIDER_OPTIONS.host,
    name: options.name ?? DEFAULT_PROVIDER_OPTIONS.name,
    systemName: options.systemName ?? DEFAULT_PROVIDER_OPTIONS.systemName,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULT_PROVIDER_OPTIONS.accessTokenTtlSeconds,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_PROVIDER_OPTIONS.maxBodyBytes,
    verifySignatures: options.verifySignatures ?? DEFAULT_PROVIDER_OPTIONS.verifySignatures,
    validatePayloads: options.validatePayloads ?? DEFAULT_PROVIDER_OPTIONS.validatePayloads,
    verificationFetchTimeoutMs:
      options.verificationFetchTimeoutMs ?? DEFAULT_PROVIDER_OPTIONS.verificationFetchTimeoutMs,
    allowInsecureKeyUrls: options.allowInsecureKeyUrls ?? DEFAULT_PROVIDER_OPTIONS.allowInsecureKeyUrls,
    clients: options.clients ?? [],
    controlApi: options.controlApi ?? DEFAULT_PROVIDER_OPTIONS.controlApi,
    logLevels: options.logLevels ?? [],
  };
  const problems: string[] = [];
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    problems.push(`port must be an integer 0..65535, got ${String(options.port)}`);
  }
  if (!Number.isInteger(resolved.accessTokenTtlSeconds) || resolved.accessTokenTtlSeconds < 1) {
    problems.push('accessTokenTtlSeconds must be a positive integer');
  }
  if (!Number.isInteger(resolved.maxBodyBytes) || resolved.maxBodyBytes < 1024) {
    problems.push('maxBodyBytes must be an integer of at least 1024');
  }
  if (options.publicBaseUrl !== undefined) {
    if (!/^https?:\/\/[^/]+(\/.*)?$/.test(options.publicBaseUrl)) {
      problems.push('publicBaseUrl must be an absolute http(s) URL');
    } else {
      resolved.publicBaseUrl = options.publicBaseUrl.replace(/\/+$/, '');
    }
  }
  for (const [index, client] of resolved.clients.entries()) {
    if (!client.clientId || !client.clientSecret) {
      problems.push(`clients[${index}] needs a clientId and a clientSecret`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid stand-in provider options: ${problems.join('; ')}`);
  return resolved;
}

/** Injection tokens shared by the provider's modules. */
export const PROVIDER_OPTIONS = Symbol('PROVIDER_OPTIONS');
export const PROVIDER_STATE = Symbol('PROVIDER_STATE');
