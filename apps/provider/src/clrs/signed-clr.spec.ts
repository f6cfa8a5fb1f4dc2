import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  buildCryptographicKey,
  buildRevocationList,
  type Clr,
  createSigner,
  type Signer,
  signClr,
} from '@app/clr';
import {
  codeMinorOf,
  FIXTURES_DIR,
  fetchToken,
  postClrRaw,
  readFixture,
  startTestProvider,
} from '../provider.test-kit';
import { type RunningStandInProvider } from '../start-stand-in-provider';

const INSTITUTION_ID = 'https://clr.example.edu/profiles/institution';
const ACCREDITOR_ID = 'https://accreditor.example.org/profiles/accreditor';

/** Serves key and revocation documents the way the publisher does, on 127.0.0.1. */
let keyServer: Server;
let keyBase: string;
const documents = new Map<string, unknown>();
let keyRequests = 0;
/** Paths the key server answers with 503 (a signer's host that is down for now). */
const unavailable = new Set<string>();
let signers: Signer[];
let verifying: RunningStandInProvider;
let notVerifying: RunningStandInProvider;

function testKey(name: string): string {
  return readFileSync(resolve(FIXTURES_DIR, 'keys', `${name}.private.pem`), 'utf8');
}

beforeAll(async () => {
  keyServer = createServer((request, response) => {
    keyRequests += 1;
    if (unavailable.has(request.url ?? '')) {
      response.writeHead(503).end();
      return;
    }
    const document = documents.get(`${keyBase}${request.url ?? ''}`);
    if (document === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/ld+json' }).end(JSON.stringify(document));
  });
  await new Promise<void>((done) => keyServer.listen(0, '127.0.0.1', done));
  keyBase = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
  signers = await Promise.all(
    [
      { ownerId: INSTITUTION_ID, key: 'test-issuer-rsa2048', name: 'institution' },
      { ownerId: ACCREDITOR_ID, key: 'test-other-rsa2048', name: 'accreditor' },
    ].map(({ ownerId, key, name }) =>
      createSigner({
        ownerId,
        keyUrl: `${keyBase}/keys/${name}`,
        revocationListUrl: `${keyBase}/revocations/${name}`,
        privateKey: testKey(key),
      }),
    ),
  );
  for (const signer of signers) {
    documents.set(
      signer.keyUrl,
      buildCryptographicKey({
        keyUrl: signer.keyUrl,
        ownerId: signer.ownerId,
        publicKeyPem: signer.publicKeyPem,
      }),
    );
    documents.set(
      signer.revocationListUrl,
      buildRevocationList({ url: signer.revocationListUrl, issuerId: signer.ownerId, revokedIds: [] }),
    );
  }
  verifying = await startTestProvider({ verifySignatures: true });
  notVerifying = await startTestProvider({ verifySignatures: false });
});

afterAll(async () => {
  await Promise.all([verifying.close(), notVerifying.close()]);
  await new Promise((done) => keyServer.close(done));
});

function unsignedClr(): Clr {
  return readFixture<Clr>('clr/signed/clr.unsigned.json');
}

async function signedPayload(clr: Clr = unsignedClr()): Promise<{ '@context': string; signedClr: string }> {
  const signed = await signClr(clr, signers);
  return {
    '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
    signedClr: signed.signedClr,
  };
}

describe('postClr with a signedClr', () => {
  it('verifies the signatures with keys fetched over HTTP from the signer and stores the decoded Clr', async () => {
    const token = await fetchToken(verifying);
    const payload = await signedPayload();
    const before = keyRequests;
    const response = await postClrRaw(verifying, token, payload);
    expect(response.status).toBe(201);
    expect(keyRequests).toBeGreaterThan(before);
    const stored = verifying.state.getClr('https://clr.example.edu/ims/clr/v1p0/clrs/c1');
    expect(stored?.format).toBe('signedClr');
    expect(stored?.clr.signedAssertions?.length).toBeGreaterThan(0);
    expect(verifying.state.receivedPosts().at(-1)).toEqual(
      expect.objectContaining({
        status: 201,
        format: 'signedClr',
        clrId: 'https://clr.example.edu/ims/clr/v1p0/clrs/c1',
      }),
    );
  });

  it('rejects a signedClr whose payload was changed after signing', async () => {
    const token = await fetchToken(verifying);
    const payload = await signedPayload();
    const [header, body, signature] = payload.signedClr.split('.');
    const clr = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as Clr;
    clr.name = 'Changed after signing';
    payload.signedClr = [header, Buffer.from(JSON.stringify(clr)).toString('base64url'), signature].join('.');
    const response = await postClrRaw(verifying, token, payload);
    expect(response.status).toBe(400);
    const body400 = (await response.json()) as { imsx_description: string };
    expect(codeMinorOf(body400)).toBe('invalid_data');
    expect(body400.imsx_description).toContain('$.signedClr');
  });

  it('rejects a signedClr whose key cannot be fetched when verifying, and accepts it with verification off', async () => {
    const payload = await signedPayload();
    documents.delete(signers[0]?.keyUrl ?? '');
    try {
      const refused = await postClrRaw(verifying, await fetchToken(verifying), payload);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { imsx_description: string }).imsx_description).toContain(
        '$.signedClr.verification.creator: key http://127.0.0.1',
      );
      const accepted = await postClrRaw(notVerifying, await fetchToken(notVerifying), payload);
      expect(accepted.status).toBe(201);
    } finally {
      const signer = signers[0];
      if (signer !== undefined) {
        documents.set(
          signer.keyUrl,
          buildCryptographicKey({
            keyUrl: signer.keyUrl,
            ownerId: signer.ownerId,
            publicKeyPem: signer.publicKeyPem,
          }),
        );
      }
    }
  });

  it("answers 503 with Retry-After, not a rejection, while the signer's key cannot be fetched for now", async () => {
    const payload = await signedPayload();
    const keyPath = new URL(signers[0]?.keyUrl ?? '').pathname;
    unavailable.add(keyPath);
    try {
      const refused = await postClrRaw(verifying, await fetchToken(verifying), payload);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(((await refused.json()) as { imsx_description: string }).imsx_description).toContain(
        'HTTP 503 fetching',
      );
    } finally {
      unavailable.delete(keyPath);
    }
    const accepted = await postClrRaw(verifying, await fetchToken(verifying), payload);
    expect([200, 201]).toContain(accepted.status);
  });

  it('rejects (400) a signedClr with a lasting problem even while its key cannot be fetched', async () => {
    const clr = unsignedClr();
    const payload = await signedPayload(clr);
    const signer = signers[0];
    const keyPath = new URL(signer.keyUrl).pathname;
    unavailable.add(keyPath);
    documents.set(
      signer.revocationListUrl,
      buildRevocationList({ url: signer.revocationListUrl, issuerId: signer.ownerId, revokedIds: [clr.id] }),
    );
    try {
      const refused = await postClrRaw(verifying, await fetchToken(verifying), payload);
      expect(refused.status).toBe(400);
      const description = ((await refused.json()) as { imsx_description: string }).imsx_description;
      expect(description).toContain('HTTP 503 fetching');
      expect(description).toContain('revoked');
    } finally {
      unavailable.delete(keyPath);
      documents.set(
        signer.revocationListUrl,
        buildRevocationList({ url: signer.revocationListUrl, issuerId: signer.ownerId, revokedIds: [] }),
      );
    }
  });

  it('validates the decoded Clr when verification is off', async () => {
    const clr = unsignedClr();
    delete (clr.learner as { id?: string }).id;
    const response = await postClrRaw(notVerifying, await fetchToken(notVerifying), await signedPayload(clr));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { imsx_description: string }).imsx_description).toContain(
      '$.signedClr.learner.id: is required but missing',
    );
  });

  it('rejects a signedClr whose payload is not JSON', async () => {
    const response = await postClrRaw(notVerifying, await fetchToken(notVerifying), {
      '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
      signedClr: `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('not json at all').toString('base64url')}.c2lnbmF0dXJl`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { imsx_description: string }).imsx_description).toContain(
      '$.signedClr: signedClr has a JWS payload that is not JSON',
    );
  });
});
