import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { OAuthHttpError } from '../common/provider-http.error';
import { PROVIDER_OPTIONS, PROVIDER_STATE, type ResolvedProviderOptions } from '../provider-options';
import { type ProviderState } from '../state/provider-state';
import { authenticateClient } from './client-authenticator';
import { GrantRegistry } from './grants/grant-registry.service';
import { readOAuthBody } from './oauth-body';

/**
 * The token endpoint (RFC 6749 §3.2): form-encoded body, client authentication, then the grant
 * type's handler. Answers `Cache-Control: no-store` and RFC 6749 §5.2 errors.
 */
@Controller('oauth')
export class TokenController {
  constructor(
    @Inject(PROVIDER_STATE) private readonly state: ProviderState,
    @Inject(PROVIDER_OPTIONS) private readonly options: ResolvedProviderOptions,
    private readonly grants: GrantRegistry,
  ) {}

  @Post('token')
  async token(@Req() request: Request, @Res() response: Response): Promise<void> {
    this.state.tokenRequests += 1;
    const raw = await readOAuthBody(request, this.options.maxBodyBytes, 'application/x-www-form-urlencoded');
    const params = new URLSearchParams(raw.toString('utf8'));
    const repeated = [...new Set(params.keys())].filter((key) => params.getAll(key).length > 1);
    if (repeated.length > 0) {
      throw new OAuthHttpError(
        400,
        'invalid_request',
        `Parameter(s) given more than once: ${repeated.join(', ')}`,
      );
    }
    const client = authenticateClient(this.state, request.headers.authorization, params);
    const grantType = params.get('grant_type');
    if (grantType === null || grantType === '') {
      throw new OAuthHttpError(400, 'invalid_request', 'grant_type is required');
    }
    const handler = this.grants.find(grantType);
    if (handler === undefined) {
      throw new OAuthHttpError(
        400,
        'unsupported_grant_type',
        `Grant type ${grantType.slice(0, 60)} is not supported; supported: ${this.grants.grantTypes.join(', ')}`,
      );
    }
    if (!client.grantTypes.includes(grantType)) {
      throw new OAuthHttpError(400, 'unauthorized_client', `This client is not registered for ${grantType}`);
    }
    const body = handler.handle(client, params);
    response.status(200).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(body);
  }
}
