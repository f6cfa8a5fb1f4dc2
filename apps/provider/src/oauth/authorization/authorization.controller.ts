import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { PROVIDER_STATE } from '../../provider-options';
import { type ProviderState, type RegisteredClient } from '../../state/provider-state';
import { OFFLINE_ACCESS_SCOPE } from '../registration-request';

/**
 * The authorization endpoint (RFC 6749 §4.1.1 with PKCE, RFC 7636). The stand-in has no users:
 * it consents at once, unless `/_provider/deny-consent` scripted a denial. Problems with the
 * client or its redirect URI get an HTML page (RFC 6749 §4.1.2.1: never redirect to an
 * unverified URI); every other problem goes back to the client as `error=...&state=...`.
 */
@Controller('oauth')
export class AuthorizationController {
  constructor(@Inject(PROVIDER_STATE) private readonly state: ProviderState) {}

  @Get('authorize')
  authorize(@Req() request: Request, @Res() response: Response): void {
    const url = new URL(request.originalUrl, 'http://stand-in.invalid');
    const params = url.searchParams;
    const repeated = [...new Set(params.keys())].filter((key) => params.getAll(key).length > 1);
    const clientId = params.get('client_id');
    const client = clientId === null ? undefined : this.state.clients.get(clientId);
    if (client === undefined) {
      errorPage(response, 'The client_id is missing or not registered with this provider.');
      return;
    }
    const redirectUri = params.get('redirect_uri');
    if (redirectUri === null || !client.redirectUris.includes(redirectUri)) {
      errorPage(response, 'The redirect_uri is missing or not one the client registered.');
      return;
    }
    const state = params.get('state');
    const back = (query: Record<string, string>): void => {
      const target = new URL(redirectUri);
      for (const [key, value] of Object.entries(query)) target.searchParams.set(key, value);
      if (state !== null) target.searchParams.set('state', state);
      response.status(302).set({ 'Cache-Control': 'no-store' }).location(target.toString()).end();
    };
    const problem = requestProblem(client, params, repeated);
    if (problem !== undefined) {
      back({ error: problem.error, error_description: problem.description });
      return;
    }
    if (this.state.authorization.takeConsentDenial()) {
      back({ error: 'access_denied', error_description: 'The user denied the request' });
      return;
    }
    const { code } = this.state.authorization.issueCode({
      clientId: client.clientId,
      redirectUri,
      scopes: requestedScopes(client, params),
      codeChallenge: params.get('code_challenge') ?? '',
    });
    back({ code });
  }
}

function requestedScopes(client: RegisteredClient, params: URLSearchParams): string[] {
  const scope = params.get('scope');
  if (scope === null || scope.trim() === '') return [...client.scopes];
  return [...new Set(scope.split(' ').filter((item) => item !== ''))];
}

function requestProblem(
  client: RegisteredClient,
  params: URLSearchParams,
  repeated: string[],
): { error: string; description: string } | undefined {
  if (repeated.length > 0) {
    return {
      error: 'invalid_request',
      description: `Parameter(s) given more than once: ${repeated.join(', ')}`,
    };
  }
  if (params.get('response_type') !== 'code') {
    return { error: 'unsupported_response_type', description: 'response_type must be code' };
  }
  if (!client.grantTypes.includes('authorization_code')) {
    return {
      error: 'unauthorized_client',
      description: 'This client is not registered for authorization_code',
    };
  }
  const challenge = params.get('code_challenge');
  if (challenge === null || !/^[A-Za-z0-9\-_]{43}$/.test(challenge)) {
    return {
      error: 'invalid_request',
      description: 'A PKCE code_challenge (S256, 43 characters) is required',
    };
  }
  if (params.get('code_challenge_method') !== 'S256') {
    return { error: 'invalid_request', description: 'code_challenge_method must be S256' };
  }
  const scopes = requestedScopes(client, params);
  const refused = scopes.filter((scope) => !client.scopes.includes(scope));
  if (refused.length > 0) {
    return {
      error: 'invalid_scope',
      description: `Scope not registered by this client: ${refused.join(' ')}`,
    };
  }
  if (scopes.includes(OFFLINE_ACCESS_SCOPE) && !client.grantTypes.includes('refresh_token')) {
    return { error: 'invalid_scope', description: 'offline_access needs the refresh_token grant' };
  }
  return undefined;
}

function errorPage(response: Response, message: string): void {
  response
    .status(400)
    .set({ 'Cache-Control': 'no-store' })
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html><head><title>Authorization error</title></head><body><h1>Authorization error</h1><p>${message}</p></body></html>`,
    );
}
