/**
 * Test-only helpers for the delivery specs: a stand-in provider with known clients, the fixture
 * payload, and servers that misbehave at the TCP level. Not exported from the library.
 */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { CLR_SCOPES, type PostClrPayload } from '@app/clr';
import {
  type RunningStandInProvider,
  startStandInProvider,
  type StandInProviderOptions,
} from '@app/provider';
import { type ClientCredentials } from './oauth/oauth-token.client';

/** TEST-ONLY credentials of the providers started here. */
export const PUBLISHER = { clientId: 'delivery-publisher', clientSecret: 'delivery-publisher-secret' };
export const READER = { clientId: 'delivery-reader', clientSecret: 'delivery-reader-secret' };

export function startProvider(options: StandInProviderOptions = {}): Promise<RunningStandInProvider> {
  return startStandInProvider({
    verifySignatures: false,
    ...options,
    clients: [{ ...PUBLISHER }, { ...READER, scopes: [CLR_SCOPES.readonly] }],
  });
}

export function credentialsFor(
  provider: RunningStandInProvider,
  client: { clientId: string; clientSecret: string } = PUBLISHER,
  scopes: string[] = [CLR_SCOPES.replace],
): ClientCredentials {
  return { tokenUrl: provider.endpoints.tokenUrl, ...client, scopes };
}

/** The valid fixture payload; `suffix` makes the Clr id `https://clr.example.edu/ims/clr/v1p0/clrs/{suffix}`. */
export function validPayload(
  suffix: string,
): PostClrPayload & { clr: { id: string; learner: { name?: string } } } {
  const payload = JSON.parse(
    readFileSync(resolve(__dirname, '../../../test/fixtures/clr/valid/post-clr-competencies.json'), 'utf8'),
  ) as PostClrPayload & { clr: { id: string; learner: { name?: string } } };
  payload.clr.id = `https://clr.example.edu/ims/clr/v1p0/clrs/${suffix}`;
  return payload;
}

/** A raw TCP server; `onConnection` decides how it misbehaves. */
export async function tcpServer(onConnection?: (socket: Socket) => void): Promise<{
  url: string;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection?.(socket);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    // Silent servers keep their sockets open: destroy them or close() never returns.
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

/** A loopback URL on which nothing listens (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const server = await tcpServer();
  await server.close();
  return server.url;
}
