import { Controller, Delete, Get, HttpCode, Inject, Post, Put, Req } from '@nestjs/common';
import { type Request } from 'express';
import { parseJson, readBoundedBody } from '../common/http-body';
import { ProviderHttpError } from '../common/provider-http.error';
import { PROVIDER_STATE } from '../provider-options';
import { type AuthorizationGrant } from '../state/authorization-grants';
import {
  type ClrCounts,
  type FaultSpec,
  type PendingFault,
  type ProviderState,
  type ReceivedPost,
} from '../state/provider-state';

const CONTROL_BODY_LIMIT = 64 * 1024;

/**
 * Test control of the stand-in provider, under `/_provider` (no real provider has it): the
 * post log, counts, reset, fault injection, forced token rejection and the token lifetime.
 * Unauthenticated: the provider binds to loopback by default; turn it off with
 * `controlApi: false` anywhere else.
 */
@Controller('_provider')
export class ControlController {
  constructor(@Inject(PROVIDER_STATE) private readonly state: ProviderState) {}

  /** Every postClr request, in arrival order. */
  @Get('posts')
  posts(): ReceivedPost[] {
    return this.state.receivedPosts();
  }

  /** postClr requests and acceptances per Clr id. */
  @Get('counts')
  counts(): Record<string, ClrCounts> {
    return this.state.countsByClrId();
  }

  /** Counters and pending scripted behaviour. */
  @Get('stats')
  stats(): {
    storedClrs: number;
    posts: number;
    tokenRequests: number;
    tokensIssued: number;
    tokenTtlSeconds: number;
    pendingTokenRejections: number;
    pendingFaults: PendingFault[];
  } {
    return {
      storedClrs: this.state.storedClrs().length,
      posts: this.state.receivedPosts().length,
      tokenRequests: this.state.tokenRequests,
      tokensIssued: this.state.tokensIssued,
      tokenTtlSeconds: this.state.tokenTtlSeconds,
      pendingTokenRejections: this.state.pendingTokenRejections,
      pendingFaults: this.state.pendingFaults(),
    };
  }

  /** Body `{ "everything": true }` also forgets registered clients and tokens. */
  @Post('reset')
  @HttpCode(204)
  async reset(@Req() request: Request): Promise<void> {
    const body = await readControlBody(request);
    const everything = body['everything'];
    if (everything !== undefined && typeof everything !== 'boolean') {
      throw badRequest('everything must be a boolean');
    }
    this.state.reset(everything === true);
  }

  /**
   * Scripts the answers to upcoming postClr requests: `{ status?, count?, retryAfter?,
   * delayMs?, description? }`. Faults queue up and apply in order.
   */
  @Post('faults')
  @HttpCode(204)
  async injectFault(@Req() request: Request): Promise<void> {
    this.state.injectFault(parseFault(await readControlBody(request)));
  }

  @Get('faults')
  faults(): PendingFault[] {
    return this.state.pendingFaults();
  }

  @Delete('faults')
  @HttpCode(204)
  clearFaults(): void {
    this.state.clearFaults();
  }

  /** `{ count? }`: answer the next postClr requests with 401 invalid_token (default once). */
  @Post('reject-tokens')
  @HttpCode(204)
  async rejectTokens(@Req() request: Request): Promise<void> {
    const body = await readControlBody(request);
    const count = body['count'] ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
      throw badRequest('count must be an integer 1..1000');
    }
    this.state.rejectNextTokens(count);
  }

  /** `{ count? }`: the next authorization requests are answered `access_denied` (default once). */
  @Post('deny-consent')
  @HttpCode(204)
  async denyConsent(@Req() request: Request): Promise<void> {
    const body = await readControlBody(request);
    const count = body['count'] ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
      throw badRequest('count must be an integer 1..1000');
    }
    this.state.authorization.denyNextConsents(count);
  }

  /** Authorization-code grants (a user's consent to a client) and whether they are revoked. */
  @Get('grants')
  grants(): AuthorizationGrant[] {
    return this.state.authorization.list();
  }

  /**
   * `{ clientId? }`: revokes every live grant (of that client), as a user withdrawing consent
   * at the wallet: its refresh tokens answer `invalid_grant`, its access tokens stop working.
   */
  @Post('revoke-grants')
  @HttpCode(200)
  async revokeGrants(@Req() request: Request): Promise<{ revoked: string[] }> {
    const body = await readControlBody(request);
    const clientId = body['clientId'];
    if (clientId !== undefined && typeof clientId !== 'string') {
      throw badRequest('clientId must be a string');
    }
    return { revoked: this.state.authorization.revokeAll(clientId) };
  }

  /** `{ expiresIn: seconds | null }`: `expires_in` of tokens issued from now; null restores. */
  @Put('token-ttl')
  @HttpCode(204)
  async tokenTtl(@Req() request: Request): Promise<void> {
    const body = await readControlBody(request);
    const expiresIn = body['expiresIn'];
    if (expiresIn === null) {
      this.state.setTokenTtl(undefined);
      return;
    }
    if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < 1) {
      throw badRequest('expiresIn must be a positive integer or null');
    }
    this.state.setTokenTtl(expiresIn);
  }
}

/** Validates a fault script; exported for the in-process API to share the rules. */
export function parseFault(body: Record<string, unknown>): FaultSpec {
  const spec: FaultSpec = {};
  const { status, count, retryAfter, delayMs, description } = body;
  if (status !== undefined) {
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
      throw badRequest('status must be an HTTP error status 400..599');
    }
    spec.status = status;
  }
  if (count !== undefined) {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
      throw badRequest('count must be an integer 1..1000');
    }
    spec.count = count;
  }
  if (retryAfter !== undefined) {
    if (typeof retryAfter !== 'string' && typeof retryAfter !== 'number') {
      throw badRequest('retryAfter must be seconds or an HTTP-date');
    }
    spec.retryAfter = String(retryAfter);
  }
  if (delayMs !== undefined) {
    if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > 600_000) {
      throw badRequest('delayMs must be an integer 0..600000');
    }
    spec.delayMs = delayMs;
  }
  if (description !== undefined) {
    if (typeof description !== 'string') throw badRequest('description must be a string');
    spec.description = description;
  }
  if (spec.status === undefined && spec.delayMs === undefined) {
    throw badRequest('a fault needs a status, a delayMs, or both');
  }
  return spec;
}

async function readControlBody(request: Request): Promise<Record<string, unknown>> {
  const raw = await readBoundedBody(request, CONTROL_BODY_LIMIT);
  if (raw.length === 0) return {};
  const parsed = parseJson(raw);
  if (
    !parsed.ok ||
    typeof parsed.value !== 'object' ||
    parsed.value === null ||
    Array.isArray(parsed.value)
  ) {
    throw badRequest('The body must be a JSON object');
  }
  return parsed.value as Record<string, unknown>;
}

function badRequest(description: string): ProviderHttpError {
  return new ProviderHttpError(400, description, { codeMinor: 'invalid_data' });
}
