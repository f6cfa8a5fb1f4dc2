import { randomBytes, randomUUID } from 'node:crypto';
import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { parseJson } from '../common/http-body';
import { OAuthHttpError } from '../common/provider-http.error';
import { PROVIDER_OPTIONS, PROVIDER_STATE, type ResolvedProviderOptions } from '../provider-options';
import { type ProviderState, type RegisteredClient } from '../state/provider-state';
import { readOAuthBody } from './oauth-body';
import { checkRegistrationRequest } from './registration-request';

/**
 * RFC 7591 dynamic client registration at the discovery document's `registrationUrl`.
 * Accepts `client_credentials` clients (publishers) and `authorization_code` (+
 * `refresh_token`) clients (consumers); see {@link checkRegistrationRequest} for the rules.
 * Secrets never expire (`client_secret_expires_at: 0`).
 */
@Controller('oauth')
export class RegistrationController {
  constructor(
    @Inject(PROVIDER_STATE) private readonly state: ProviderState,
    @Inject(PROVIDER_OPTIONS) private readonly options: ResolvedProviderOptions,
  ) {}

  @Post('register')
  async register(@Req() request: Request, @Res() response: Response): Promise<void> {
    const body = await readOAuthBodyJson(request, this.options.maxBodyBytes);
    const check = checkRegistrationRequest(body);
    if (!check.ok) throw new OAuthHttpError(400, check.error, check.description);
    const accepted = check.registration;
    const metadata: Record<string, unknown> = {
      client_name: accepted.clientName,
      client_uri: accepted.clientUri,
      ...(accepted.logoUri !== undefined ? { logo_uri: accepted.logoUri } : {}),
      ...(accepted.tosUri !== undefined ? { tos_uri: accepted.tosUri } : {}),
      ...(accepted.policyUri !== undefined ? { policy_uri: accepted.policyUri } : {}),
      software_id: accepted.softwareId,
      software_version: accepted.softwareVersion,
      ...(accepted.redirectUris.length > 0 ? { redirect_uris: accepted.redirectUris } : {}),
      grant_types: accepted.grantTypes,
      response_types: accepted.responseTypes,
      token_endpoint_auth_method: accepted.tokenEndpointAuthMethod,
      scope: accepted.scopes.join(' '),
    };
    const client: RegisteredClient = {
      clientId: randomUUID(),
      clientSecret: randomBytes(32).toString('base64url'),
      issuedAt: Math.floor(Date.now() / 1000),
      grantTypes: accepted.grantTypes,
      scopes: accepted.scopes,
      tokenEndpointAuthMethod: accepted.tokenEndpointAuthMethod,
      redirectUris: accepted.redirectUris,
      metadata,
    };
    this.state.addClient(client);
    response
      .status(201)
      .set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' })
      .json({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        client_id_issued_at: client.issuedAt,
        client_secret_expires_at: 0,
        ...metadata,
      });
  }
}

async function readOAuthBodyJson(request: Request, maxBytes: number): Promise<unknown> {
  const raw = await readOAuthBody(request, maxBytes, 'application/json');
  const parsed = parseJson(raw);
  if (!parsed.ok) throw new OAuthHttpError(400, 'invalid_client_metadata', `The body is ${parsed.reason}`);
  return parsed.value;
}
