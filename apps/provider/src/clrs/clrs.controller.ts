import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';
import {
  CLR_API_PATH,
  CLR_CONTEXT_URL,
  CLR_MEDIA_TYPE,
  CLR_SCOPES,
  type ClrSet,
  imsxCodeMinorForHttpStatus,
} from '@app/clr';
import { BearerAuthService } from '../common/bearer-auth.service';
import { charsetOf, mediaTypeOf, parseJson, readBoundedBody } from '../common/http-body';
import { negotiateJsonLd } from '../common/negotiation';
import { ProviderEndpoints } from '../common/provider-endpoints';
import { ProviderHttpError } from '../common/provider-http.error';
import { PROVIDER_OPTIONS, PROVIDER_STATE, type ResolvedProviderOptions } from '../provider-options';
import { type ProviderState, type ReceivedPost, type StoredClr } from '../state/provider-state';
import { ClrPayloadChecker } from './clr-payload.checker';
import { parseClrListQuery } from './clr-list-query';
import { describeFindings } from './findings-description';

const POST_MEDIA_TYPES = new Set([CLR_MEDIA_TYPE, 'application/json']);
/** `Retry-After` of a 503 answered because a signer's key or revocation list could not be fetched. */
const TRANSIENT_RETRY_AFTER_SECONDS = 5;

/** postClr, getClrs, getClr and deleteClr of the CLR 1.0 REST binding. */
@Controller(`${CLR_API_PATH.slice(1)}/clrs`)
export class ClrsController {
  constructor(
    @Inject(PROVIDER_STATE) private readonly state: ProviderState,
    @Inject(PROVIDER_OPTIONS) private readonly options: ResolvedProviderOptions,
    private readonly auth: BearerAuthService,
    private readonly checker: ClrPayloadChecker,
    private readonly endpoints: ProviderEndpoints,
  ) {}

  /**
   * Create (201) or replace (200, same Clr `id`) a CLR. Order of checks: bearer token and
   * replace scope, then any injected fault, then Accept (406), Content-Type (415), size (413),
   * JSON (400) and the payload's validity (400 with the findings; 503 with Retry-After when all
   * that was found is a key or revocation list that could not be fetched for now). Every request
   * is logged.
   */
  @Post()
  async postClr(@Req() request: Request, @Res() response: Response): Promise<void> {
    const entry: ReceivedPost = {
      seq: this.state.takePostSeq(),
      receivedAt: new Date().toISOString(),
      status: 500,
      outcome: 'error',
    };
    try {
      await this.handlePost(request, response, entry);
    } catch (error) {
      entry.status = error instanceof ProviderHttpError ? error.status : 500;
      entry.codeMinor = error instanceof ProviderHttpError ? error.codeMinor : 'internal_server_error';
      if (entry.outcome === 'error') {
        if (entry.status === 401) entry.outcome = 'unauthorized';
        else if (entry.status === 403) entry.outcome = 'forbidden';
        else if (entry.status < 500) entry.outcome = 'rejected';
      }
      throw error;
    } finally {
      this.state.recordPost(entry);
    }
  }

  private async handlePost(request: Request, response: Response, entry: ReceivedPost): Promise<void> {
    this.auth.authenticate(request, CLR_SCOPES.replace, true);

    const fault = this.state.takeFault();
    if (fault !== undefined) {
      if (fault.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs);
      if (fault.status !== undefined) {
        entry.outcome = 'fault';
        request.resume();
        throw new ProviderHttpError(
          fault.status,
          fault.description ?? `Injected fault: HTTP ${fault.status}`,
          {
            codeMinor: imsxCodeMinorForHttpStatus(fault.status),
            headers: fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {},
          },
        );
      }
    }

    negotiateJsonLd(request, false);
    const contentType = request.headers['content-type'];
    const mediaType = mediaTypeOf(contentType);
    const charset = charsetOf(contentType);
    if (
      mediaType === undefined ||
      !POST_MEDIA_TYPES.has(mediaType) ||
      (charset !== undefined && charset !== 'utf-8')
    ) {
      request.resume();
      throw new ProviderHttpError(415, `Content-Type must be ${CLR_MEDIA_TYPE} or application/json (UTF-8)`, {
        codeMinor: 'invalid_data',
      });
    }
    const raw = await readBoundedBody(request, this.options.maxBodyBytes);
    const parsed = parseJson(raw);
    if (!parsed.ok)
      throw new ProviderHttpError(400, `The body is ${parsed.reason}`, { codeMinor: 'invalid_data' });

    const check = await this.checker.check(parsed.value);
    if (!check.ok) {
      if (check.clrId !== undefined) entry.clrId = check.clrId;
      if (check.findings.length > 0 && check.findings.every((finding) => finding.transient === true)) {
        // Nothing wrong but a key or revocation list that could not be fetched for now: the
        // sender should try again. Anything else found makes it a rejection.
        throw new ProviderHttpError(503, describeFindings(check.findings), {
          headers: { 'Retry-After': String(TRANSIENT_RETRY_AFTER_SECONDS) },
        });
      }
      throw new ProviderHttpError(400, describeFindings(check.findings), { codeMinor: 'invalid_data' });
    }
    entry.clrId = check.clr.id;
    entry.format = check.format;
    const outcome = this.state.storeClr(check.clr.id, check.format, check.payload, check.clr);
    entry.outcome = outcome;
    entry.status = outcome === 'created' ? 201 : 200;
    if (outcome === 'created') response.location(this.clrUrl(check.clr.id));
    response.status(entry.status).type(CLR_MEDIA_TYPE).send(JSON.stringify(check.payload));
  }

  /** getClrs: `limit`/`offset`/`since`, `X-Total-Count` and RFC 8288 `Link` pagination. */
  @Get()
  getClrs(@Req() request: Request, @Res() response: Response): void {
    this.auth.authenticate(request, CLR_SCOPES.readonly);
    const mediaType = negotiateJsonLd(request, true);
    const query = parseClrListQuery(request.query);
    const matching = this.state
      .storedClrs()
      .filter((stored) => query.since === undefined || Date.parse(stored.clr.issuedOn) > query.since);
    const page = matching.slice(query.offset, query.offset + query.limit);
    const set: ClrSet = { '@context': CLR_CONTEXT_URL };
    const clrs = page.filter((stored) => stored.format === 'clr').map((stored) => stored.clr);
    const signed = page.flatMap((stored) =>
      'signedClr' in stored.payload ? [stored.payload.signedClr] : [],
    );
    if (clrs.length > 0) set.clrs = clrs;
    if (signed.length > 0) set.signedClrs = signed.filter((jws): jws is string => typeof jws === 'string');
    response
      .status(200)
      .set('X-Total-Count', String(matching.length))
      .set('Link', this.pageLinks(request, query.limit, query.offset, matching.length))
      .type(mediaType)
      .send(JSON.stringify(set));
  }

  /**
   * getClr by the Clr `id` (URL-encoded) or by its last path segment. A revoked CLR answers
   * 410 with its body.
   */
  @Get(':id')
  getClr(@Param('id') id: string, @Req() request: Request, @Res() response: Response): void {
    this.auth.authenticate(request, CLR_SCOPES.readonly);
    const mediaType = negotiateJsonLd(request, true);
    const stored = this.find(id);
    const body = { '@context': CLR_CONTEXT_URL, ...stored.clr };
    response
      .status(stored.clr.revoked === true ? 410 : 200)
      .type(mediaType)
      .send(JSON.stringify(body));
  }

  /** deleteClr: 204 without a body. */
  @Delete(':id')
  @HttpCode(204)
  deleteClr(@Param('id') id: string, @Req() request: Request): void {
    this.auth.authenticate(request, CLR_SCOPES.delete);
    negotiateJsonLd(request, true);
    this.state.deleteClr(this.find(id).id);
  }

  private find(id: string): StoredClr {
    const exact = this.state.getClr(id);
    if (exact !== undefined) return exact;
    const bySegment = this.state.storedClrs().filter((stored) => lastSegment(stored.id) === id);
    if (bySegment.length === 1 && bySegment[0] !== undefined) return bySegment[0];
    throw new ProviderHttpError(404, 'No CLR with this id', { codeMinor: 'unknown' });
  }

  private clrUrl(id: string): string {
    return `${this.endpoints.clrsUrl}/${encodeURIComponent(id)}`;
  }

  private pageLinks(request: Request, limit: number, offset: number, total: number): string {
    const link = (rel: string, at: number): string => {
      const url = new URL(this.endpoints.clrsUrl);
      for (const [key, value] of Object.entries(request.query)) {
        if (typeof value === 'string' && key !== 'limit' && key !== 'offset')
          url.searchParams.set(key, value);
      }
      url.searchParams.set('limit', String(limit));
      url.searchParams.set('offset', String(at));
      return `<${url.toString()}>; rel="${rel}"`;
    };
    const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
    const links = [link('first', 0), link('last', lastOffset)];
    if (offset + limit < total) links.push(link('next', offset + limit));
    if (offset > 0) links.push(link('prev', Math.max(0, offset - limit)));
    return links.join(', ');
  }
}

function lastSegment(id: string): string {
  const trimmed = id.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
