import {
  buildRevocationList,
  type Clr,
  createSigner,
  importRsaPrivateKey,
  rsaKeyThumbprint,
  signClr,
  validateDocument,
} from '@app/clr';
import { Module } from '@nestjs/common';
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLR_FIXTURES, runInProcess } from '../cli.test-kit';
import { VerifyCommandModule } from '../verify/verify-command.module';
import { KeysCommandModule } from './keys-command.module';

@Module({ imports: [KeysCommandModule, VerifyCommandModule] })
class KeysAndVerifyModule {}

const cli = (...argv: string[]) => runInProcess(KeysAndVerifyModule, argv);

const OWNER = 'https://clr.example.edu/profiles/institution';

interface Generated {
  kid: string;
  keyUrl: string;
  privateKeyPem: string;
  document: Record<string, unknown>;
}

function readGenerated(out: string): Generated {
  const document = JSON.parse(readFileSync(join(out, 'key.json'), 'utf8'));
  return {
    kid: String(document.id).split('/').at(-1) as string,
    keyUrl: document.id,
    privateKeyPem: readFileSync(join(out, 'private-key.pem'), 'utf8'),
    document,
  };
}

/** The signed-fixture CLR without the accreditor's endorsements: everything is the institution's. */
function institutionClr(): Clr {
  const clr = JSON.parse(readFileSync(join(CLR_FIXTURES, 'signed', 'clr.unsigned.json'), 'utf8'));
  delete clr.endorsements;
  for (const assertion of clr.assertions) delete assertion.endorsements;
  return clr as Clr;
}

async function signWith(generated: Generated, revocationListUrl: string): Promise<string> {
  const signer = await createSigner({
    keyUrl: generated.keyUrl,
    ownerId: OWNER,
    revocationListUrl,
    privateKey: generated.privateKeyPem,
  });
  const { signedClr } = await signClr(institutionClr(), signer);
  return JSON.stringify({
    '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
    signedClr,
  });
}

describe('clr-publisher keys generate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clr-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a private key (0600), a public key and a valid CryptographicKey document, and prints the kid and paths', async () => {
    const out = join(dir, 'new', 'keys');
    const run = await cli(
      'keys',
      'generate',
      '--out',
      out,
      '--owner',
      OWNER,
      '--key-url',
      'https://clr.example.edu/ims/clr/v1p0/keys/{kid}',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const generated = readGenerated(out);
    expect(statSync(join(out, 'private-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    const privateKey = importRsaPrivateKey(generated.privateKeyPem);
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const publicPem = readFileSync(join(out, 'public-key.pem'), 'utf8');
    expect(createPublicKey(privateKey).export({ format: 'pem', type: 'spki' })).toBe(publicPem);
    // The kid is the RFC 7638 thumbprint, and the key URL ends with it.
    expect(generated.kid).toBe(await rsaKeyThumbprint(createPublicKey(privateKey)));
    expect(generated.document).toEqual({
      '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
      id: `https://clr.example.edu/ims/clr/v1p0/keys/${generated.kid}`,
      type: 'CryptographicKey',
      owner: OWNER,
      publicKeyPem: publicPem,
    });
    expect(await validateDocument('cryptographicKey', generated.document)).toEqual({
      valid: true,
      findings: [],
    });

    expect(run.stdout).toContain(`kid:          ${generated.kid}\n`);
    expect(run.stdout).toContain(`private key:  ${join(out, 'private-key.pem')} (mode 0600`);
    expect(run.stdout).toContain(`public key:   ${join(out, 'public-key.pem')}\n`);
    expect(run.stdout).toContain(`key document: ${join(out, 'key.json')}`);
    expect(run.stdout).not.toContain('PRIVATE KEY');
  });

  it('refuses to overwrite existing files unless --force, leaving them untouched', async () => {
    const out = join(dir, 'overwrite');
    const args = [
      'keys',
      'generate',
      '--out',
      out,
      '--owner',
      OWNER,
      '--key-url',
      'https://k.example.org/{kid}',
    ];
    expect((await cli(...args)).code).toBe(0);
    const before = readFileSync(join(out, 'private-key.pem'), 'utf8');

    const refused = await cli(...args);
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: refusing to overwrite ${join(out, 'private-key.pem')} (use --force)\n`,
    });
    expect(readFileSync(join(out, 'private-key.pem'), 'utf8')).toBe(before);

    // One existing file is enough to refuse, and nothing else is written.
    const partial = join(dir, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'key.json'), 'keep me');
    const refusedPartial = await cli(
      'keys',
      'generate',
      '--out',
      partial,
      '--owner',
      OWNER,
      '--key-url',
      'https://k.example.org/{kid}',
    );
    expect(refusedPartial.stderr).toBe(
      `error: refusing to overwrite ${join(partial, 'key.json')} (use --force)\n`,
    );
    expect(existsSync(join(partial, 'private-key.pem'))).toBe(false);
    expect(readFileSync(join(partial, 'key.json'), 'utf8')).toBe('keep me');

    writeFileSync(join(out, 'private-key.pem'), before, { mode: 0o644 });
    const forced = await cli(...args, '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(out, 'private-key.pem'), 'utf8')).not.toBe(before);
    // Replaced, not rewritten in place: the new file has the private mode again.
    expect(statSync(join(out, 'private-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('takes the owner and key URL from the configuration when not given', async () => {
    const out = join(dir, 'from-config');
    const run = await cli('keys', 'generate', '--out', out);
    expect(run.code).toBe(0);
    const { document, kid } = readGenerated(out);
    // config/default.yaml: publicBaseUrl http://127.0.0.1:3000.
    expect(document.owner).toBe('http://127.0.0.1:3000/ims/clr/v1p0/profiles/institution');
    expect(document.id).toBe(`http://127.0.0.1:3000/ims/clr/v1p0/keys/${kid}`);
  });

  it.each([
    [
      ['--owner', 'not an iri', '--key-url', 'https://k.example.org/{kid}'],
      '--owner must be the absolute IRI',
    ],
    [
      ['--owner', OWNER, '--key-url', 'ftp://k.example.org/{kid}'],
      '--key-url must be an absolute http(s) URL',
    ],
    [['--owner', OWNER, '--key-url', 'keys/{kid}'], '--key-url must be an absolute http(s) URL'],
  ])('exits 2 for bad flags %j', async (flags, message) => {
    const out = join(dir, 'bad-flags');
    const run = await cli('keys', 'generate', '--out', out, ...flags);
    expect(run.stderr).toContain(`error: ${message}`);
    expect(run.stderr).toContain("Run 'clr-publisher keys generate --help' for usage.");
    expect(run.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 when the configuration cannot supply the defaults', async () => {
    const run = await cli('keys', 'generate', '--out', join(dir, 'x'), '--config', join(dir, 'missing.yaml'));
    expect(run.stderr).toMatch(
      /^error: without --owner and --key-url the configuration supplies them, but Invalid configuration [\s\S]*file not found/,
    );
    expect(run.code).toBe(2);
  });

  it('exits 2 with a usage message without --out, without a subcommand, or with an unknown one', async () => {
    const noOut = await cli('keys', 'generate');
    expect(noOut.stderr).toContain("error: required option '--out <dir>' not specified");
    expect(noOut.stderr).toContain('Usage: clr-publisher keys generate [options]');
    expect(noOut.code).toBe(2);
    // The message lists the registered subcommands, whichever the keys command has by now.
    const bare = await cli('keys');
    const usage =
      /^error: keys needs a subcommand \(([a-z, -]+)\)\nRun 'clr-publisher keys --help' for usage\.\n$/;
    expect(bare.stderr).toMatch(usage);
    const names = usage.exec(bare.stderr)![1].split(', ');
    expect(names).toEqual(expect.arrayContaining(['generate', 'rotate', 'list']));
    expect(bare.code).toBe(2);
    const unknown = await cli('keys', 'shred');
    expect(unknown.stderr).toContain(`error: unknown keys subcommand 'shred' (${names.join(', ')})`);
    expect(unknown.code).toBe(2);
  });

  describe('a CLR signed with the generated key', () => {
    let server: Server;
    let base: string;
    const served = new Map<string, string>();

    beforeAll(async () => {
      server = createServer((request, response) => {
        const body = served.get(request.url ?? '');
        response.statusCode = body === undefined ? 404 : 200;
        response.end(body ?? '{}');
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('verifies offline with the output directory as --keys, and fails with another key', async () => {
      const out = join(dir, 'offline');
      await cli(
        'keys',
        'generate',
        '--out',
        out,
        '--owner',
        OWNER,
        '--key-url',
        'https://clr.example.edu/keys/{kid}',
      );
      const generated = readGenerated(out);
      const listUrl = `https://clr.example.edu/revocations/${generated.kid}`;
      writeFileSync(
        join(out, 'revocations.json'),
        JSON.stringify(buildRevocationList({ url: listUrl, issuerId: OWNER, revokedIds: [] })),
      );
      const signed = join(dir, 'signed.json');
      writeFileSync(signed, await signWith(generated, listUrl));

      const run = await cli('verify', signed, '--keys', out, '--offline');
      expect(run).toEqual({
        code: 0,
        stdout: 'VALID postClr payload: 4 signed objects checked\n',
        stderr: '',
      });

      const other = join(dir, 'offline-other');
      await cli('keys', 'generate', '--out', other, '--owner', OWNER, '--key-url', generated.keyUrl);
      const wrong = await cli('verify', signed, '--keys', other, '--offline');
      expect(wrong.stdout).toMatch(/^\$\.signedClr: the signature does not verify with key /m);
      expect(wrong.code).toBe(1);
    });

    it('verifies online from the key URL, and only under the --keys URL when one is given', async () => {
      const out = join(dir, 'online');
      await cli('keys', 'generate', '--out', out, '--owner', OWNER, '--key-url', `${base}/keys/{kid}`);
      const generated = readGenerated(out);
      const listUrl = `${base}/revocations/${generated.kid}`;
      served.set(`/keys/${generated.kid}`, JSON.stringify(generated.document));
      served.set(
        `/revocations/${generated.kid}`,
        JSON.stringify(buildRevocationList({ url: listUrl, issuerId: OWNER, revokedIds: [] })),
      );
      const signed = join(dir, 'signed-online.json');
      writeFileSync(signed, await signWith(generated, listUrl));

      expect((await cli('verify', signed)).stdout).toBe('VALID postClr payload: 4 signed objects checked\n');
      expect((await cli('verify', signed, '--keys', `${base}/keys`)).code).toBe(0);

      const elsewhere = await cli('verify', signed, '--keys', `${base}/trusted-keys/`);
      expect(elsewhere.stdout).toContain(
        `key ${generated.keyUrl} is not published under the trusted key location ${base}/trusted-keys/ (--keys)`,
      );
      expect(elsewhere.code).toBe(1);

      // Revoked: the list now names the CLR.
      const clrId = institutionClr().id;
      served.set(
        `/revocations/${generated.kid}`,
        JSON.stringify(buildRevocationList({ url: listUrl, issuerId: OWNER, revokedIds: [clrId] })),
      );
      const revoked = await cli('verify', signed);
      expect(revoked.stdout).toContain(`$.signedClr: the Clr ${clrId} is revoked (listed in ${listUrl})`);
      expect(revoked.code).toBe(1);

      // The revocation list cannot be fetched: online, revocation must be checked.
      served.delete(`/revocations/${generated.kid}`);
      const unlisted = await cli('verify', signed);
      expect(unlisted.stdout).toMatch(/^\$\.signedClr: revocation list .* could not be resolved: HTTP 404/m);
      expect(unlisted.code).toBe(1);
    });
  });
});
