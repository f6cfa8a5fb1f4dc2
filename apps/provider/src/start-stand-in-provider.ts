import 'reflect-metadata';
import { type AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { ProviderExceptionFilter } from './common/provider-exception.filter';
import { ProviderEndpoints } from './common/provider-endpoints';
import { ProviderModule } from './provider.module';
import { resolveProviderOptions, type StandInProviderOptions } from './provider-options';
import { ProviderState, type RegisteredClient } from './state/provider-state';
import { CLR_SCOPE_LIST } from './oauth/registration-request';

/** A running stand-in provider. */
export interface RunningStandInProvider {
  /** `publicBaseUrl` if given, else {@link listenUrl}; no trailing slash. */
  baseUrl: string;
  /** `http://host:port` actually bound. */
  listenUrl: string;
  /** The provider's memory: stored CLRs, the post log, faults, clients, tokens. */
  state: ProviderState;
  /** Its URLs (discovery, token, registration, clrs ...). */
  endpoints: ProviderEndpoints;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Starts the stand-in CLR 1.0 provider in this process. Used by the end-to-end tests and the
 * demo (port 0 on 127.0.0.1 by default) and by `main.ts` to run it on its own.
 */
export async function startStandInProvider(
  options: StandInProviderOptions = {},
): Promise<RunningStandInProvider> {
  const resolved = resolveProviderOptions(options);
  const now = Math.floor(Date.now() / 1000);
  const seedClients: RegisteredClient[] = resolved.clients.map((client) => {
    const scopes = client.scopes ?? [...CLR_SCOPE_LIST];
    return {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      issuedAt: now,
      grantTypes: ['client_credentials'],
      scopes,
      tokenEndpointAuthMethod: client.tokenEndpointAuthMethod ?? 'client_secret_basic',
      redirectUris: [],
      metadata: { client_name: client.clientId, scope: scopes.join(' ') },
    };
  });
  const state = new ProviderState(resolved.accessTokenTtlSeconds, seedClients);
  const endpoints = new ProviderEndpoints();

  // Bodies are read by each endpoint (own limits, own error shapes), so no global parser.
  const app = await NestFactory.create<NestExpressApplication>(
    ProviderModule.forContext({ options: resolved, state, endpoints }),
    { bodyParser: false, logger: resolved.logLevels.length > 0 ? resolved.logLevels : false },
  );
  app.useGlobalFilters(new ProviderExceptionFilter(resolved.systemName));
  app.disable('x-powered-by');
  await app.listen(resolved.port, resolved.host);

  const address = app.getHttpServer().address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const listenUrl = `http://${host}:${address.port}`;
  endpoints.setBaseUrl(resolved.publicBaseUrl ?? listenUrl);

  return {
    baseUrl: endpoints.baseUrl,
    listenUrl,
    state,
    endpoints,
    close: async () => {
      const server = app.getHttpServer() as { closeAllConnections?: () => void };
      server.closeAllConnections?.();
      await app.close();
    },
  };
}
