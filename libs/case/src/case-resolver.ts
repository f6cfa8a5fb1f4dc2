import { type Alignment } from '@app/clr';
import { alignmentForItem, fallbackAlignment, identifierFromUri, isAbsoluteUri } from './case-alignment';
import { type CaseHttpOutcome, type FetchLike, getCaseJson } from './case-http.client';
import { type CaseWarning } from './case-warning';
import { type CfItem, type CfPackage, CfParseError, parseCfItem, parseCfPackage } from './cf-package';

/** Where the CASE 1.0 service is and how hard to try it. */
export interface CaseServiceOptions {
  /** Server root (`https://case.example.edu`) or the binding root (`.../ims/case/v1p0`). */
  baseUrl: string;
  /** CFPackage identifiers fetched whole (`/CFPackages/{id}`) so most items need no request. */
  packageIds?: readonly string[];
  /** How long a fetched item (or package) is fresh. Default 24 h. */
  cacheTtlMs?: number;
  /** How long a 404 is remembered. Default 1 h. */
  notFoundTtlMs?: number;
  /** Bound on one request, headers and body together. Default 5 s. */
  timeoutMs?: number;
  /** Bound on a CFItem body. Default 1 MiB. */
  maxItemBytes?: number;
  /** Bound on a CFPackage body. Default 32 MiB. */
  maxPackageBytes?: number;
  /** After a failure, the service is not asked again for this long (stale cache or fallback). Default 30 s. */
  failureBackoffMs?: number;
  /** Requests in flight at once during a batch. Default 4. */
  maxConcurrentRequests?: number;
  /** Extra request headers (e.g. `authorization`). */
  headers?: Readonly<Record<string, string>>;
}

export interface CaseResolverOptions {
  /** Parsed CFPackages from configuration (see `loadCfPackageFile`). Items are matched by `uri`. */
  packages?: readonly CfPackage[];
  /** The CASE service; without it, items missing from the packages fall back. */
  service?: CaseServiceOptions;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Milliseconds since the epoch; defaults to `Date.now`. Drives the cache TTL and the backoff. */
  clock?: () => number;
}

/** One item to resolve: its URI and the competency's own name (used when it cannot be resolved). */
export interface CaseItemRequest {
  uri: string;
  name?: string;
}

export type CaseAlignmentSource = 'package' | 'service' | 'cache' | 'stale-cache' | 'fallback' | 'invalid';

export interface CaseResolution {
  uri: string;
  /** Absent only when the URI is not an absolute URL (`source` `invalid`). */
  alignment?: Alignment;
  source: CaseAlignmentSource;
  warnings: CaseWarning[];
}

export interface CaseBatchResolution {
  /** Item URI -> alignment (resolved or fallback), for every valid URI requested. */
  alignments: Map<string, Alignment>;
  /** One per distinct URI, in request order. */
  resolutions: CaseResolution[];
  /** Every warning of the batch (items and package refreshes). */
  warnings: CaseWarning[];
}

interface ResolvedService {
  itemsRoot: string;
  packagesRoot: string;
  packageIds: readonly string[];
  cacheTtlMs: number;
  notFoundTtlMs: number;
  timeoutMs: number;
  maxItemBytes: number;
  maxPackageBytes: number;
  failureBackoffMs: number;
  maxConcurrentRequests: number;
  headers: Readonly<Record<string, string>>;
}

interface KnownItem {
  item: CfItem;
  framework: string | undefined;
}

type CacheEntry =
  { kind: 'item'; known: KnownItem; storedAt: number } | { kind: 'missing'; storedAt: number };

const CASE_BINDING_PATH = '/ims/case/v1p0';

function resolveService(options: CaseServiceOptions): ResolvedService {
  let root = options.baseUrl.trim().replace(/\/+$/, '');
  if (!root.endsWith(CASE_BINDING_PATH)) root = `${root}${CASE_BINDING_PATH}`;
  return {
    itemsRoot: `${root}/CFItems/`,
    packagesRoot: `${root}/CFPackages/`,
    packageIds: options.packageIds ?? [],
    cacheTtlMs: options.cacheTtlMs ?? 24 * 60 * 60 * 1000,
    notFoundTtlMs: options.notFoundTtlMs ?? 60 * 60 * 1000,
    timeoutMs: options.timeoutMs ?? 5000,
    maxItemBytes: options.maxItemBytes ?? 1024 * 1024,
    maxPackageBytes: options.maxPackageBytes ?? 32 * 1024 * 1024,
    failureBackoffMs: options.failureBackoffMs ?? 30_000,
    maxConcurrentRequests: Math.max(1, options.maxConcurrentRequests ?? 4),
    headers: options.headers ?? {},
  };
}

/**
 * Resolves CASE CFItem URIs to CLR alignments: first from configured CFPackages, then from a
 * CASE 1.0 service through an in-memory cache with a TTL. When the service fails, a stale cached
 * copy is used; when there is none, the alignment falls back to the URI and the competency's
 * name. It never throws for an item: every problem is a {@link CaseWarning}.
 */
export class CaseResolver {
  private readonly packageItems = new Map<string, KnownItem>();
  private readonly service: ResolvedService | undefined;
  private readonly fetchFn: FetchLike;
  private readonly clock: () => number;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<CaseHttpOutcome>>();
  private packagesStoredAt: number | undefined;
  private packagesRefresh: Promise<CaseWarning[]> | undefined;
  private serviceDownUntil = Number.NEGATIVE_INFINITY;
  private lastFailure: Extract<CaseHttpOutcome, { kind: 'failed' }> | undefined;

  constructor(options: CaseResolverOptions = {}) {
    for (const pkg of options.packages ?? []) this.indexPackage(pkg, this.packageItems);
    this.service = options.service === undefined ? undefined : resolveService(options.service);
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.clock = options.clock ?? Date.now;
  }

  /** Resolves one item URI; `name` is the competency's name, kept when the item is unknown. */
  async resolve(uri: string, name?: string): Promise<CaseResolution> {
    const packageWarnings = await this.refreshServicePackages();
    const resolution = await this.resolveOne({ uri, name });
    return { ...resolution, warnings: [...packageWarnings, ...resolution.warnings] };
  }

  /**
   * Resolves many items at once (a learner's competencies). Duplicate URIs are resolved once
   * (the first request's name is the fallback name); at most `maxConcurrentRequests` requests
   * are in flight.
   */
  async resolveMany(requests: readonly CaseItemRequest[]): Promise<CaseBatchResolution> {
    const distinct = new Map<string, CaseItemRequest>();
    for (const request of requests) if (!distinct.has(request.uri)) distinct.set(request.uri, request);
    const packageWarnings = await this.refreshServicePackages();

    const pending = [...distinct.values()];
    const resolutions = new Map<string, CaseResolution>();
    const workers = Math.min(this.service?.maxConcurrentRequests ?? 1, Math.max(1, pending.length));
    let next = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < pending.length) {
          const request = pending[next++];
          resolutions.set(request.uri, await this.resolveOne(request));
        }
      }),
    );

    const ordered = [...distinct.keys()].map((uri) => resolutions.get(uri) as CaseResolution);
    const alignments = new Map<string, Alignment>();
    for (const resolution of ordered) {
      if (resolution.alignment !== undefined) alignments.set(resolution.uri, resolution.alignment);
    }
    return {
      alignments,
      resolutions: ordered,
      warnings: [...packageWarnings, ...ordered.flatMap((resolution) => resolution.warnings)],
    };
  }

  /** Forgets everything fetched from the service (packages from configuration stay). */
  clearCache(): void {
    this.cache.clear();
    this.packagesStoredAt = undefined;
    this.serviceDownUntil = Number.NEGATIVE_INFINITY;
  }

  private indexPackage(pkg: CfPackage, into: Map<string, KnownItem>): void {
    for (const item of pkg.CFItems) {
      if (!into.has(item.uri)) into.set(item.uri, { item, framework: pkg.CFDocument.title });
    }
  }

  private async resolveOne(request: CaseItemRequest): Promise<CaseResolution> {
    const { uri, name } = request;
    if (!isAbsoluteUri(uri)) {
      return {
        uri,
        source: 'invalid',
        warnings: [
          { code: 'invalid-uri', uri, message: 'the CASE item URI is not an absolute URL; no alignment' },
        ],
      };
    }
    const fromPackage = this.packageItems.get(uri);
    if (fromPackage !== undefined) return this.resolved(uri, fromPackage, 'package');

    const service = this.service;
    if (service === undefined) {
      return this.fallback(uri, name, {
        code: 'unknown-item',
        uri,
        message: 'no configured CASE package has this item and no CASE service is configured',
      });
    }

    const now = this.clock();
    const cached = this.cache.get(uri);
    if (cached !== undefined && this.isFresh(cached, service, now)) {
      if (cached.kind === 'item') return this.resolved(uri, cached.known, 'cache');
      return this.fallback(uri, name, {
        code: 'unknown-item',
        uri,
        message: 'the CASE service does not know this item',
      });
    }

    const identifier = identifierFromUri(uri);
    if (identifier === undefined) {
      return this.fallback(uri, name, {
        code: 'unknown-item',
        uri,
        message: 'the URI has no identifier segment to ask the CASE service for',
      });
    }

    const outcome = await this.fetchItem(service, identifier);
    if (outcome.kind === 'item') {
      this.cache.set(uri, { kind: 'item', known: outcome.known, storedAt: this.clock() });
      return this.resolved(uri, outcome.known, 'service');
    }
    if (outcome.kind === 'not-found') {
      this.cache.set(uri, { kind: 'missing', storedAt: this.clock() });
      return this.fallback(uri, name, {
        code: 'unknown-item',
        uri,
        message: 'the CASE service does not know this item',
      });
    }
    const failure: CaseWarning = { code: outcome.code, uri, message: `CASE service: ${outcome.detail}` };
    if (cached?.kind === 'item') {
      return {
        uri,
        alignment: alignmentForItem(uri, cached.known.item, cached.known.framework),
        source: 'stale-cache',
        warnings: [
          failure,
          {
            code: 'stale-cache',
            uri,
            message: 'used a cached copy older than the cache TTL because the service failed',
          },
        ],
      };
    }
    return this.fallback(uri, name, failure);
  }

  private isFresh(entry: CacheEntry, service: ResolvedService, now: number): boolean {
    const ttl = entry.kind === 'item' ? service.cacheTtlMs : service.notFoundTtlMs;
    return now - entry.storedAt < ttl;
  }

  private resolved(uri: string, known: KnownItem, source: CaseAlignmentSource): CaseResolution {
    return { uri, alignment: alignmentForItem(uri, known.item, known.framework), source, warnings: [] };
  }

  private fallback(uri: string, name: string | undefined, warning: CaseWarning): CaseResolution {
    return { uri, alignment: fallbackAlignment(uri, name), source: 'fallback', warnings: [warning] };
  }

  private async fetchItem(
    service: ResolvedService,
    identifier: string,
  ): Promise<
    { kind: 'item'; known: KnownItem } | { kind: 'not-found' } | Extract<CaseHttpOutcome, { kind: 'failed' }>
  > {
    const url = `${service.itemsRoot}${encodeURIComponent(identifier)}`;
    const outcome = await this.get(service, url, service.maxItemBytes);
    if (outcome.kind !== 'json') return outcome;
    let item: CfItem;
    try {
      item = parseCfItem(outcome.body);
    } catch (error) {
      const detail = error instanceof CfParseError ? error.message : 'not a CFItem';
      return this.markFailed(service, {
        kind: 'failed',
        code: 'bad-response',
        detail: `not a CFItem (${detail})`,
      });
    }
    if (item.identifier.toLowerCase() !== identifier.toLowerCase()) {
      return this.markFailed(service, {
        kind: 'failed',
        code: 'bad-response',
        detail: 'the CFItem returned has another identifier than the one asked for',
      });
    }
    return { kind: 'item', known: { item, framework: item.CFDocumentURI?.title } };
  }

  /** Fetches the configured service packages when they are missing or older than the TTL. */
  private refreshServicePackages(): Promise<CaseWarning[]> {
    const service = this.service;
    if (service === undefined || service.packageIds.length === 0) return Promise.resolve([]);
    const now = this.clock();
    if (this.packagesStoredAt !== undefined && now - this.packagesStoredAt < service.cacheTtlMs) {
      return Promise.resolve([]);
    }
    this.packagesRefresh ??= this.fetchServicePackages(service).finally(() => {
      this.packagesRefresh = undefined;
    });
    return this.packagesRefresh;
  }

  private async fetchServicePackages(service: ResolvedService): Promise<CaseWarning[]> {
    const warnings: CaseWarning[] = [];
    let allFetched = true;
    for (const packageId of service.packageIds) {
      const url = `${service.packagesRoot}${encodeURIComponent(packageId)}`;
      let outcome = await this.get(service, url, service.maxPackageBytes);
      let pkg: CfPackage | undefined;
      if (outcome.kind === 'json') {
        try {
          pkg = parseCfPackage(outcome.body);
        } catch (error) {
          const detail = error instanceof CfParseError ? error.message : 'not a CFPackage';
          outcome = this.markFailed(service, {
            kind: 'failed',
            code: 'bad-response',
            detail: `not a CFPackage (${detail})`,
          });
        }
      }
      if (pkg !== undefined) {
        const storedAt = this.clock();
        const items = new Map<string, KnownItem>();
        this.indexPackage(pkg, items);
        for (const [uri, known] of items) this.cache.set(uri, { kind: 'item', known, storedAt });
        continue;
      }
      allFetched = false;
      const detail = outcome.kind === 'failed' ? outcome.detail : 'the service does not know this package';
      const code = outcome.kind === 'failed' ? outcome.code : 'unknown-item';
      warnings.push({ code, uri: url, message: `CASE package refresh: ${detail}` });
    }
    // A failed refresh is retried after the backoff, not after a whole TTL.
    if (allFetched) this.packagesStoredAt = this.clock();
    else this.packagesStoredAt = this.clock() - service.cacheTtlMs + service.failureBackoffMs;
    return warnings;
  }

  /** One GET, shared by concurrent callers, skipped while the service is backing off. */
  private get(service: ResolvedService, url: string, maxBytes: number): Promise<CaseHttpOutcome> {
    if (this.clock() < this.serviceDownUntil && this.lastFailure !== undefined) {
      return Promise.resolve({
        kind: 'failed',
        code: this.lastFailure.code,
        detail: `${this.lastFailure.detail} (not retried until the failure backoff ends)`,
      });
    }
    const running = this.inFlight.get(url);
    if (running !== undefined) return running;
    const request = getCaseJson(this.fetchFn, url, service.headers, {
      timeoutMs: service.timeoutMs,
      maxBytes,
    })
      .then((outcome) => (outcome.kind === 'failed' ? this.markFailed(service, outcome) : outcome))
      .finally(() => this.inFlight.delete(url));
    this.inFlight.set(url, request);
    return request;
  }

  private markFailed(
    service: ResolvedService,
    failure: Extract<CaseHttpOutcome, { kind: 'failed' }>,
  ): Extract<CaseHttpOutcome, { kind: 'failed' }> {
    this.lastFailure = failure;
    this.serviceDownUntil = this.clock() + service.failureBackoffMs;
    return failure;
  }
}
