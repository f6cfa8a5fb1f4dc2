import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type CryptoKey, type JWK, type JWTPayload, SignJWT, exportJWK, generateKeyPair } from 'jose';

/** A key pair of the stand-in issuer. */
export interface IssuerKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** A local OpenID Connect issuer for tests: discovery document, JWKS, and token minting. */
export interface StandInOidcIssuer {
  /** `http://127.0.0.1:<port>/realm`: the `iss` of its tokens. */
  issuer: string;
  jwksUri: string;
  key: IssuerKey;
  /** Requests served, by path (to see caching). */
  hits: Map<string, number>;
  /** A token signed with the issuer's key (or `key`), `iss` set, expiring in 5 minutes unless given. */
  sign(
    claims: JWTPayload,
    options?: { key?: IssuerKey; alg?: string; expiresIn?: string | number },
  ): Promise<string>;
  /** A key the issuer does not publish (a forger's). */
  foreignKey(): Promise<IssuerKey>;
  close(): Promise<void>;
}

export async function newIssuerKey(kid: string): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** Starts the issuer on 127.0.0.1 (a random port). */
export async function startStandInOidcIssuer(): Promise<StandInOidcIssuer> {
  const key = await newIssuerKey('issuer-key-1');
  const hits = new Map<string, number>();
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/realm/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: `${base}/realm`, jwks_uri: `${base}/realm/jwks` }));
    } else if (path === '/realm/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [key.publicJwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/realm`;
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    key,
    hits,
    sign: (claims, options = {}) => {
      const signing = options.key ?? key;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: signing.kid })
        .setIssuer(typeof claims.iss === 'string' ? claims.iss : issuer)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(signing.privateKey);
    },
    foreignKey: () => newIssuerKey('issuer-key-1'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
