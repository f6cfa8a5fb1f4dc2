/**
 * A stand-in OAuth 2.0 authorization server for the provider-read tests: a JWKS served by a local
 * node:http server and access tokens (JWTs) signed with its key, or deliberately wrong ones.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type CryptoKey, type JWTPayload, SignJWT, exportJWK, generateKeyPair } from 'jose';

export interface TokenOptions {
  issuer?: string;
  audience?: string;
  scope?: string;
  scp?: string[];
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Sign with a key the JWKS does not hold (same kid): a bad signature. */
  foreignKey?: boolean;
  omitExp?: boolean;
  /** The `client_id` claim; default {@link TokenIssuer.clientId}. */
  clientId?: string;
}

export class TokenIssuer {
  readonly issuer = 'https://auth.test-university.example';
  readonly audience = 'https://publisher.test-university.example/ims/clr/v1p0';
  /** The client the tokens are issued to by default: the one configured as a reader. */
  readonly clientId = 'exchange-1';
  private readonly kid = 'test-auth-key-1';
  private server: Server | undefined;
  private key: CryptoKey | undefined;
  private foreign: CryptoKey | undefined;
  jwksUrl = '';
  /** How many times the JWKS was fetched. */
  fetches = 0;

  async start(): Promise<void> {
    const pair = await generateKeyPair('RS256');
    this.key = pair.privateKey;
    this.foreign = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: this.kid, alg: 'RS256', use: 'sig' };
    this.server = createServer((request, response) => {
      this.fetches += 1;
      if (request.url !== '/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.jwksUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  async token(options: TokenOptions = {}): Promise<string> {
    const claims: JWTPayload = { client_id: options.clientId ?? this.clientId };
    if (options.scope !== undefined) claims['scope'] = options.scope;
    if (options.scp !== undefined) claims['scp'] = options.scp;
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'at+jwt' })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setSubject(options.clientId ?? this.clientId)
      .setIssuedAt();
    if (options.omitExp !== true) {
      jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 300));
    }
    return jwt.sign(options.foreignKey === true ? this.foreign! : this.key!);
  }
}
