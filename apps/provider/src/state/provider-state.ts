import { randomBytes } from 'node:crypto';
import { type Clr, type PostClrPayload } from '@app/clr';
import { AuthorizationGrants } from './authorization-grants';

/** A client registered dynamically or passed in the options. */
export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  /** Unix seconds. */
  issuedAt: number;
  grantTypes: string[];
  scopes: string[];
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  redirectUris: string[];
  /** The RFC 7591 metadata as registered, echoed in the registration response. */
  metadata: Record<string, unknown>;
}

export interface IssuedToken {
  token: string;
  clientId: string;
  scopes: string[];
  /** Epoch ms. */
  expiresAt: number;
  /** The authorization grant it was issued under (authorization-code flow); dies with it. */
  grantId?: string;
}

/** One accepted CLR, keyed by its Clr `id`. */
export interface StoredClr {
  id: string;
  format: 'clr' | 'signedClr';
  /** The postClr body exactly as accepted (echoed in the response). */
  payload: PostClrPayload;
  /** The Clr itself (for `signedClr`, the decoded JWS payload). */
  clr: Clr;
  /** How many times this id was accepted (1 = created, more = replaced). */
  version: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
}

/** What happened to one postClr request, in arrival order. No payload, no personal data. */
export interface ReceivedPost {
  /** Arrival number, from 1 (restarts on reset). */
  seq: number;
  /** Arrival time (ISO 8601). */
  receivedAt: string;
  status: number;
  /** Set once the body was read far enough to know it. */
  clrId?: string;
  format?: 'clr' | 'signedClr';
  outcome: 'created' | 'replaced' | 'rejected' | 'fault' | 'unauthorized' | 'forbidden' | 'error';
  /** The code minor of an error answer. */
  codeMinor?: string;
}

/** A scripted answer for upcoming postClr requests. */
export interface FaultSpec {
  /** Answer with this status (with an imsx body); omit to only delay and then process normally. */
  status?: number;
  /** `Retry-After` header value (seconds or HTTP-date), for 429/503. */
  retryAfter?: string;
  /** Wait this long before answering, ms. */
  delayMs?: number;
  /** How many requests it applies to. Default 1. */
  count?: number;
  /** `imsx_description` of the answer. */
  description?: string;
}

export interface PendingFault extends FaultSpec {
  remaining: number;
}

export interface ClrCounts {
  /** postClr requests that named this Clr id, whatever their status. */
  received: number;
  /** How many of them were accepted (201 or 200). */
  accepted: number;
}

/**
 * Everything the stand-in provider remembers, in memory. One instance per running provider;
 * tests and the demo get it from `startStandInProvider(...).state`, the `/_provider` API
 * reads and drives the same object.
 */
export class ProviderState {
  readonly clients = new Map<string, RegisteredClient>();
  readonly tokens = new Map<string, IssuedToken>();
  /** Authorization-code grants, codes, refresh tokens and their test switches. */
  readonly authorization = new AuthorizationGrants();
  private readonly clrs = new Map<string, StoredClr>();
  private posts: ReceivedPost[] = [];
  private faults: PendingFault[] = [];
  private tokenRejections = 0;
  private tokenTtlOverride: number | undefined;
  private nextSeq = 1;
  /** Calls of the token endpoint, successful or not. */
  tokenRequests = 0;
  /** Access tokens issued. */
  tokensIssued = 0;

  /**
   * @param defaultTokenTtlSeconds `expires_in` of issued tokens unless overridden.
   * @param seedClients clients that exist from the start and come back after a full reset.
   */
  constructor(
    private readonly defaultTokenTtlSeconds: number,
    private readonly seedClients: RegisteredClient[] = [],
  ) {
    for (const client of seedClients) this.addClient(client);
  }

  // --- clients and tokens -------------------------------------------------------------------

  addClient(client: RegisteredClient): void {
    this.clients.set(client.clientId, client);
  }

  issueToken(
    clientId: string,
    scopes: string[],
    now = Date.now(),
    grantId?: string,
  ): IssuedToken & { expiresIn: number } {
    const expiresIn = this.tokenTtlOverride ?? this.defaultTokenTtlSeconds;
    const token: IssuedToken = {
      token: randomBytes(32).toString('base64url'),
      clientId,
      scopes,
      expiresAt: now + expiresIn * 1000,
      ...(grantId === undefined ? {} : { grantId }),
    };
    this.tokens.set(token.token, token);
    this.tokensIssued += 1;
    return { ...token, expiresIn };
  }

  /** The live token, or why it is not usable. */
  findToken(value: string, now = Date.now()): IssuedToken | 'unknown' | 'expired' {
    const token = this.tokens.get(value);
    if (token === undefined) return 'unknown';
    if (token.grantId !== undefined && this.authorization.isRevoked(token.grantId)) {
      this.tokens.delete(value);
      return 'unknown';
    }
    if (token.expiresAt <= now) {
      this.tokens.delete(value);
      return 'expired';
    }
    return token;
  }

  /** `expires_in` of tokens issued from now on; `undefined` restores the configured default. */
  setTokenTtl(seconds: number | undefined): void {
    this.tokenTtlOverride = seconds;
  }

  get tokenTtlSeconds(): number {
    return this.tokenTtlOverride ?? this.defaultTokenTtlSeconds;
  }

  /** Answer the next `count` authenticated postClr requests with 401 invalid_token. */
  rejectNextTokens(count = 1): void {
    this.tokenRejections += count;
  }

  /** Takes one forced rejection, if any is pending. */
  takeTokenRejection(): boolean {
    if (this.tokenRejections === 0) return false;
    this.tokenRejections -= 1;
    return true;
  }

  get pendingTokenRejections(): number {
    return this.tokenRejections;
  }

  // --- faults -------------------------------------------------------------------------------

  injectFault(spec: FaultSpec): void {
    this.faults.push({ ...spec, remaining: spec.count ?? 1 });
  }

  /** Takes the fault for the current request, if one is pending. */
  takeFault(): FaultSpec | undefined {
    const fault = this.faults[0];
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.shift();
    const { remaining: _remaining, ...spec } = fault;
    return spec;
  }

  pendingFaults(): PendingFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clearFaults(): void {
    this.faults = [];
  }

  // --- CLRs and the post log ----------------------------------------------------------------

  /** Stores (or replaces) a CLR; tells whether it was created or replaced. */
  storeClr(
    id: string,
    format: StoredClr['format'],
    payload: PostClrPayload,
    clr: Clr,
    now = new Date(),
  ): 'created' | 'replaced' {
    const at = now.toISOString();
    const existing = this.clrs.get(id);
    if (existing === undefined) {
      this.clrs.set(id, { id, format, payload, clr, version: 1, firstReceivedAt: at, lastReceivedAt: at });
      return 'created';
    }
    this.clrs.set(id, {
      ...existing,
      format,
      payload,
      clr,
      version: existing.version + 1,
      lastReceivedAt: at,
    });
    return 'replaced';
  }

  /** Accepted CLRs in order of first arrival. */
  storedClrs(): StoredClr[] {
    return [...this.clrs.values()];
  }

  getClr(id: string): StoredClr | undefined {
    return this.clrs.get(id);
  }

  deleteClr(id: string): boolean {
    return this.clrs.delete(id);
  }

  /** Numbers a postClr request on arrival, so the log keeps arrival order. */
  takePostSeq(): number {
    return this.nextSeq++;
  }

  /** Logs a finished postClr request under the number it got on arrival. */
  recordPost(post: ReceivedPost): void {
    const entry = { ...post };
    const index = this.posts.findIndex((existing) => existing.seq > entry.seq);
    if (index < 0) this.posts.push(entry);
    else this.posts.splice(index, 0, entry);
  }

  /** Every finished postClr request so far, in arrival order. */
  receivedPosts(): ReceivedPost[] {
    return this.posts.map((post) => ({ ...post }));
  }

  /** postClr requests and acceptances per Clr id. */
  countsByClrId(): Record<string, ClrCounts> {
    const counts: Record<string, ClrCounts> = {};
    for (const post of this.posts) {
      if (post.clrId === undefined) continue;
      const entry = (counts[post.clrId] ??= { received: 0, accepted: 0 });
      entry.received += 1;
      if (post.outcome === 'created' || post.outcome === 'replaced') entry.accepted += 1;
    }
    return counts;
  }

  /**
   * Forgets stored CLRs, the post log, faults, forced rejections, the TTL override and the
   * counters. Clients and live tokens survive unless `everything` is set, so a publisher with
   * a cached token keeps working across test cases; after a full reset only the clients given
   * in the options remain.
   */
  reset(everything = false): void {
    this.clrs.clear();
    this.posts = [];
    this.faults = [];
    this.tokenRejections = 0;
    this.authorization.clearConsentDenials();
    this.tokenTtlOverride = undefined;
    this.nextSeq = 1;
    this.tokenRequests = 0;
    this.tokensIssued = 0;
    if (everything) {
      this.clients.clear();
      this.tokens.clear();
      this.authorization.clear();
      for (const client of this.seedClients) this.addClient(client);
    }
  }
}
