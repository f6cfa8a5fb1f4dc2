import { CLR_SCOPES, type DiscoveryDocument, isRetryableHttpStatus } from '@app/clr';
import { DeliveryError } from '../errors/delivery-error';
import { boundedFetch, jsonBody } from '../http/bounded-fetch';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  type HttpClientOptions,
} from '../http/http-client-options';
import { unavailable, unreachable } from '../http/response-errors';
import { clrApiUrl, providerUrl } from '../http/target-url';
import { TransportFailure } from '../http/transport-failure';

const REQUIRED_URL_FIELDS = [
  'authorizationUrl',
  'registrationUrl',
  'tokenUrl',
  'privacyPolicyUrl',
  'termsOfServiceUrl',
] as const;

/** One problem of a discovery document: the JSON path and the rule. */
export interface DiscoveryProblem {
  path: string;
  reason: string;
}

/**
 * Reads a CLR 1.0 provider's DiscoveryDocument from `{base}/ims/clr/v1p0/discovery` (no
 * authentication) and checks it against the DiscoveryDocumentDType: `@context`, `name`, the
 * five URLs, `scopesOffered` (at least one URI). Properties beyond the schema are tolerated:
 * providers and test harnesses are known to be looser than the schema (DIGEST §6).
 */
export class ProviderDiscoveryClient {
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  }

  /**
   * @param requiredScopes scopes the provider must offer; default the replace scope postClr needs.
   * @throws DeliveryError `invalid_target`, `unreachable`, `provider_unavailable` (retryable) or
   *   `discovery_invalid` listing every problem found.
   */
  async discover(
    baseUrl: string,
    requiredScopes: string[] = [CLR_SCOPES.replace],
  ): Promise<DiscoveryDocument> {
    return this.fetchDocument(clrApiUrl(baseUrl, '/discovery', this.options), requiredScopes);
  }

  /**
   * Like {@link discover}, from a full discovery URL (a target configured with its own
   * `discoveryUrl`).
   */
  async discoverAt(
    discoveryUrl: string,
    requiredScopes: string[] = [CLR_SCOPES.replace],
  ): Promise<DiscoveryDocument> {
    return this.fetchDocument(providerUrl(discoveryUrl, 'discoveryUrl', this.options), requiredScopes);
  }

  private async fetchDocument(url: URL, requiredScopes: string[]): Promise<DiscoveryDocument> {
    let response;
    try {
      response = await boundedFetch(
        url,
        {
          method: 'GET',
          // OCP asks for application/json only; we prefer the CLR media type and take either.
          headers: { Accept: 'application/ld+json, application/json;q=0.9', 'User-Agent': this.userAgent },
        },
        { timeoutMs: this.timeoutMs, maxResponseBytes: this.maxResponseBytes },
      );
    } catch (error) {
      if (error instanceof TransportFailure) throw unreachable('Discovery', error);
      throw error;
    }
    if (isRetryableHttpStatus(response.status)) throw unavailable('Discovery', response);
    if (response.status !== 200) {
      throw new DeliveryError('discovery_invalid', `Discovery answered HTTP ${response.status}`, {
        status: response.status,
      });
    }
    const document = jsonBody(response);
    const problems = checkDiscoveryDocument(document, requiredScopes, this.options.requireHttps);
    if (problems.length > 0) {
      throw new DeliveryError(
        'discovery_invalid',
        `Discovery document is invalid: ${problems.map((problem) => `${problem.path}: ${problem.reason}`).join('; ')}`,
        { status: 200 },
      );
    }
    return document as DiscoveryDocument;
  }
}

/** Every problem of a discovery document (empty when it is usable). */
export function checkDiscoveryDocument(
  document: unknown,
  requiredScopes: string[] = [CLR_SCOPES.replace],
  requireHttps = true,
): DiscoveryProblem[] {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return [{ path: '$', reason: 'is not a JSON object' }];
  }
  const record = document as Record<string, unknown>;
  const problems: DiscoveryProblem[] = [];
  const context = record['@context'];
  const contextOk =
    (typeof context === 'string' && context !== '') ||
    (Array.isArray(context) && context.length > 0 && context.every((item) => typeof item === 'string'));
  if (!contextOk) problems.push({ path: '$["@context"]', reason: 'is required: a URI or an array of URIs' });
  if (typeof record['name'] !== 'string' || record['name'].trim() === '') {
    problems.push({ path: '$.name', reason: 'is required: a non-empty string' });
  }
  for (const field of REQUIRED_URL_FIELDS) {
    const value = record[field];
    if (typeof value !== 'string') {
      problems.push({ path: `$.${field}`, reason: 'is required: an absolute URL' });
      continue;
    }
    try {
      providerUrl(value, field, { requireHttps });
    } catch (error) {
      problems.push({
        path: `$.${field}`,
        reason: error instanceof Error ? error.message : 'is not a usable URL',
      });
    }
  }
  if (record['image'] !== undefined && typeof record['image'] !== 'string') {
    problems.push({ path: '$.image', reason: 'must be a string' });
  }
  const scopes = record['scopesOffered'];
  if (!Array.isArray(scopes) || scopes.length === 0 || scopes.some((scope) => typeof scope !== 'string')) {
    problems.push({ path: '$.scopesOffered', reason: 'is required: a non-empty array of scope URIs' });
  } else {
    for (const scope of requiredScopes) {
      if (!scopes.includes(scope))
        problems.push({ path: '$.scopesOffered', reason: `does not offer ${scope}` });
    }
  }
  return problems;
}
