import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLR_FIXTURES, runInProcess, SIGNED_KEYS_DIR } from '../cli.test-kit';
import { VerifyCommandModule } from './verify-command.module';

const verify = (...argv: string[]) => runInProcess(VerifyCommandModule, ['verify', ...argv]);
const fixture = (...parts: string[]) => join(CLR_FIXTURES, ...parts);

/** Every valid fixture, with the verdict line `verify` must end with. */
const VALID: Array<[string, string]> = [
  ['assertion.json', 'VALID Assertion'],
  ['clr-set.json', 'VALID ClrSet'],
  ['clr-with-revoked-assertion.json', 'VALID Clr'],
  ['cryptographic-key.json', 'VALID CryptographicKey'],
  ['discovery.json', 'VALID discovery document'],
  ['endorsement.json', 'VALID Endorsement'],
  ['get-clr.json', 'VALID Clr'],
  ['imsx-status-info.json', 'VALID imsx_StatusInfo'],
  ['post-clr-competencies.json', 'VALID postClr payload'],
  ['post-clr-courses.json', 'VALID postClr payload'],
  ['post-clr-recipient-type-id.json', 'VALID postClr payload: 1 warning'],
  ['revocation-list.json', 'VALID RevocationList'],
];

/**
 * Every invalid fixture with each finding `verify` must print (`path: ...reason...`); the
 * verdict must count exactly these.
 */
const INVALID: Array<[string, Array<[string, string]>]> = [
  ['malformed-json.json', [['$.clr.id', 'line 4, column 10']]],
  ['duplicate-json-key.json', [['$.clr.id', 'more than once']]],
  [
    'wrong-context.json',
    [
      ["$['@context']", "'https://www.w3.org/2018/credentials/v1' is not a CLR 1.0 context"],
      ["$['@context']", 'must include the CLR 1.0 context'],
    ],
  ],
  ['both-clr-and-signed-clr.json', [['$', "exactly one of 'clr' and 'signedClr', not both"]]],
  ['neither-clr-nor-signed-clr.json', [['$', "must carry either 'clr'"]]],
  [
    'extra-payload-property.json',
    [
      ['$.type', 'is not a property of a PostClrPayload'],
      ['$.type', "type 'PostClr' is not a term of the CLR 1.0 context"],
    ],
  ],
  [
    'malformed-signed-clr.json',
    [
      ['$.signedClr', 'must be a JWS compact serialization'],
      // The verifier says what is wrong with it.
      ['$.signedClr', 'Clr JWS: a compact JWS has 3 dot-separated segments, this has 1'],
    ],
  ],
  [
    'missing-required-property.json',
    [
      ['$.clr.achievements[0].name', 'is required but missing'],
      ['$.clr.assertions[2].achievement.name', 'is required but missing'],
    ],
  ],
  ['wrong-json-type.json', [['$.clr.assertions[0].creditsEarned', 'must be a number (found a string)']]],
  [
    'unknown-enum-value.json',
    [
      ['$.clr.achievements[1].achievementType', "Membership or an extension value of the form 'ext:Name'"],
      ['$.clr.assertions[0].achievement.achievementType', 'must be one of Achievement, Assessment'],
    ],
  ],
  [
    'alignment-target-url-not-uri.json',
    [['$.clr.assertions[2].achievement.alignments[0].targetUrl', 'must be an absolute URI']],
  ],
  ['date-time-malformed.json', [['$.clr.issuedOn', 'must be an ISO 8601 date-time']]],
  ['unknown-term.json', [['$.clr.assertions[0].grade', "'grade' is not a term of the CLR 1.0 context"]]],
  [
    'unknown-type.json',
    [
      ['$.clr.achievements[1].type', "type 'Course' is not a term of the CLR 1.0 context"],
      ['$.clr.assertions[0].achievement.type', "type 'Course' is not a term"],
    ],
  ],
  [
    'relative-id.json',
    [
      ['$.clr.assertions[1].id', 'is a relative IRI'],
      ['$.clr.assertions[1].id', 'must be an absolute IRI'],
    ],
  ],
  [
    'duplicate-achievement-different-content.json',
    [['$.clr.assertions[0].achievement.id', 'appears at $.clr.achievements[1] with different content']],
  ],
  [
    'duplicate-assertion-id.json',
    [['$.clr.assertions[1].id', 'already names a different Assertion at $.clr.assertions[0]']],
  ],
  ['id-names-two-kinds.json', [['$.clr.assertions[2].id', 'already names the Clr at $.clr']]],
  [
    'conflicting-profile.json',
    [['$.clr.publisher.id', 'appears at $.clr.achievements[0].issuer with conflicting property values']],
  ],
  [
    'dangling-association.json',
    [
      ['$.clr.achievements[1].associations[0].targetId', 'does not name an Achievement of this CLR'],
      ['$.clr.assertions[0].achievement.associations[0].targetId', 'does not name an Achievement'],
    ],
  ],
  [
    'self-association.json',
    [
      ['$.clr.achievements[2].associations[0].targetId', 'cannot be associated with itself'],
      ['$.clr.assertions[1].achievement.associations[0].targetId', 'cannot be associated with itself'],
    ],
  ],
  [
    'result-unknown-result-description.json',
    [
      [
        '$.clr.assertions[0].results[0].resultDescription',
        "does not name a ResultDescription of the assertion's achievement",
      ],
    ],
  ],
  [
    'achieved-level-unknown.json',
    [['$.clr.assertions[1].results[0].achievedLevel', 'does not name a RubricCriterionLevel']],
  ],
  [
    'required-level-unknown.json',
    [
      ['$.clr.achievements[0].resultDescriptions[0].requiredLevel', 'does not name one of its'],
      ['$.clr.assertions[0].achievement.resultDescriptions[0].requiredLevel', 'does not name one'],
    ],
  ],
  ['status-result-without-status.json', [['$.clr.assertions[0].results[1].status', 'resultType is Status']]],
  ['result-value-not-allowed.json', [['$.clr.assertions[0].results[0].value', 'allowedValues']]],
  [
    'result-value-out-of-range.json',
    [['$.clr.assertions[1].results[0].value', "outside the ResultDescription's valueMin..valueMax"]],
  ],
  ['date-time-without-zone.json', [['$.clr.assertions[0].issuedOn', 'must carry a time zone']]],
  [
    'revoked-assertion-extra-data.json',
    [
      ['$.clr.assertions[1].results', 'a revoked assertion carries only id, type, revoked'],
      ['$.clr.assertions[1].recipient', 'a revoked assertion carries only'],
    ],
  ],
  [
    'revocation-reason-without-revoked.json',
    [['$.clr.assertions[0].revocationReason', 'only allowed when revoked is true']],
  ],
  [
    'assertion-missing-recipient.json',
    [['$.clr.assertions[0].recipient', 'required unless the assertion is revoked']],
  ],
  [
    'bad-identity-hash.json',
    [['$.clr.assertions[0].recipient.identity', "does not match the learner Profile's email"]],
  ],
  [
    'malformed-identity-hash.json',
    [['$.clr.assertions[0].recipient.identity', 'must have the form sha256$<64 hex digits>']],
  ],
  [
    'unknown-recipient-type.json',
    [
      ['$.clr.assertions[0].recipient.type', "type 'nickname' is not a term"],
      ['$.clr.assertions[0].recipient.type', 'must name a learner Profile property'],
    ],
  ],
  [
    'learner-lacks-recipient-property.json',
    [['$.clr.assertions[0].recipient.type', 'the learner Profile has no telephone']],
  ],
];

const INSTITUTION_KEY =
  'https://clr.example.edu/ims/clr/v1p0/keys/TvZw3vEDh-Xv22p2RAUJdeSLjnSTrwknnKcnI5c5SfU';

/**
 * The signed fixtures made invalid after signing, with every finding each must produce. An
 * unsigned JWS (empty signature) also fails the postClr schema's JWS pattern.
 */
const SIGNED_INVALID: Array<[string, Array<[string, string]>]> = [
  [
    'post-clr.alg-none.json',
    [
      ['$.signedClr', 'must be a JWS compact serialization'],
      ['$.signedClr', 'alg "none" (an unsigned JWS) is not accepted'],
    ],
  ],
  ['post-clr.hs256.json', [['$.signedClr', 'HMAC algorithm HS256 is not accepted']]],
  [
    'post-clr.tampered-payload.json',
    [['$.signedClr', `the signature does not verify with key ${INSTITUTION_KEY}`]],
  ],
  ['post-clr.wrong-key.json', [['$.signedClr', `the signature does not verify with key ${INSTITUTION_KEY}`]]],
  [
    'post-clr.inner-assertion-tampered.json',
    [['$.signedClr.signedAssertions[1]', `the signature does not verify with key ${INSTITUTION_KEY}`]],
  ],
];

function findingLines(stdout: string): string[] {
  return stdout
    .trimEnd()
    .split('\n')
    .filter((line) => !line.startsWith('warning: ') && !/^(IN)?VALID /.test(line));
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}

describe('clr-publisher verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clr-verify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every fixture it is tested with', () => {
    // A fixture added later must be added to a table here too.
    expect(readdirSync(fixture('valid')).sort()).toEqual(
      [...VALID.map(([name]) => name), 'post-clr-signed.json'].sort(),
    );
    expect(readdirSync(fixture('invalid')).sort()).toEqual(INVALID.map(([name]) => name).sort());
  });

  describe('valid documents: exit 0', () => {
    it.each(VALID)('accepts %s', async (name, expectedVerdict) => {
      const run = await verify(fixture('valid', name));
      expect(run.stderr).toBe('');
      expect(lastLine(run.stdout)).toBe(expectedVerdict);
      expect(findingLines(run.stdout)).toEqual([]);
      expect(run.code).toBe(0);
    });

    it('marks warnings as such and still accepts', async () => {
      const run = await verify(fixture('valid', 'post-clr-recipient-type-id.json'));
      expect(run.stdout).toMatch(/^warning: \$\.clr\.assertions\[0\]\.recipient\.type: .*type 'id'/m);
      expect(run.code).toBe(0);
    });

    it('accepts the signed fixture with its keys from a directory, offline', async () => {
      const run = await verify(
        fixture('signed', 'post-clr.signed.json'),
        '--keys',
        SIGNED_KEYS_DIR,
        '--offline',
      );
      expect(run.stdout).toBe('VALID postClr payload: 6 signed objects checked\n');
      expect(run.code).toBe(0);
    });

    it('accepts the signed fixture as a bare compact JWS from stdin', async () => {
      const payload = JSON.parse(readFileSync(fixture('signed', 'post-clr.signed.json'), 'utf8'));
      const run = await runInProcess(
        VerifyCommandModule,
        ['verify', '-', '--keys', SIGNED_KEYS_DIR, '--offline'],
        `${payload.signedClr}\n`,
      );
      expect(run.stdout).toBe('VALID compact JWS (Clr): 6 signed objects checked\n');
      expect(run.code).toBe(0);
    });

    it('accepts the shape-only signed fixture with --skip-signatures, and says signatures were not checked', async () => {
      const run = await verify(fixture('valid', 'post-clr-signed.json'), '--skip-signatures');
      expect(run.stdout).toBe(
        'warning: $: signatures, keys and revocation were not checked (--skip-signatures)\n' +
          'VALID postClr payload: 1 warning\n',
      );
      expect(run.code).toBe(0);
    });
  });

  describe('invalid documents: exit 1, one line per finding', () => {
    it.each(INVALID)('rejects %s for its defect', async (name, expected) => {
      const run = await verify(fixture('invalid', name));
      expect(run.stderr).toBe('');
      const lines = findingLines(run.stdout);
      for (const [path, reason] of expected) {
        expect(lines).toContainEqual(
          expect.stringMatching(new RegExp(`^${escape(path)}: .*${escape(reason)}`)),
        );
      }
      expect(lines).toHaveLength(expected.length);
      expect(lastLine(run.stdout)).toMatch(
        new RegExp(`^INVALID postClr payload: ${expected.length} findings?`),
      );
      expect(run.code).toBe(1);
    });

    it.each(SIGNED_INVALID)('rejects the signed %s', async (name, expected) => {
      const run = await verify(fixture('signed', 'invalid', name), '--keys', SIGNED_KEYS_DIR, '--offline');
      expect(findingLines(run.stdout)).toEqual(
        expected.map(([path, reason]) =>
          expect.stringMatching(new RegExp(`^${escape(path)}: .*${escape(reason)}`)),
        ),
      );
      expect(lastLine(run.stdout)).toMatch(
        new RegExp(`^INVALID postClr payload: ${expected.length} findings?, \\d+ signed objects? checked`),
      );
      expect(run.code).toBe(1);
    });

    it('rejects the shape-only signed fixture when signatures are checked', async () => {
      const run = await verify(
        fixture('valid', 'post-clr-signed.json'),
        '--keys',
        SIGNED_KEYS_DIR,
        '--offline',
      );
      expect(findingLines(run.stdout)).toEqual(
        expect.arrayContaining([
          "$.signedClr.verification.type: a signed Clr must have verification.type 'Signed' (found missing)",
          '$.signedClr.issuedOn: is required but missing',
        ]),
      );
      expect(run.code).toBe(1);
    });

    it('fails a signature whose key is not in the --keys directory', async () => {
      const keys = join(dir, 'only-accreditor');
      mkdirSync(keys);
      writeFileSync(join(keys, 'a.json'), readFileSync(join(SIGNED_KEYS_DIR, 'accreditor.key.json')));
      const run = await verify(fixture('signed', 'post-clr.signed.json'), '--keys', keys, '--offline');
      expect(run.stdout).toContain(`no key document with id ${INSTITUTION_KEY} in the key directory`);
      // The revocation lists are missing too: offline, that is a warning, not a finding.
      expect(run.stdout).toMatch(/^warning: .*\(revocation not checked\)$/m);
      expect(run.code).toBe(1);
    });

    it('never prints a name, an email, a grade or an identity hash from the document', async () => {
      const output = [
        await verify(fixture('invalid', 'bad-identity-hash.json')),
        await verify(fixture('invalid', 'result-value-not-allowed.json')),
        await verify(fixture('invalid', 'malformed-identity-hash.json'), '--json'),
      ]
        .map((run) => run.stdout + run.stderr)
        .join('\n');
      for (const secret of ['Ada', 'ada.example', 'S-000123', 'A+', 'sha256$5', 'not-hex']) {
        expect(output).not.toContain(secret);
      }
    });

    it('rejects malformed JSON, naming the line and column', async () => {
      const run = await verify(fixture('invalid', 'malformed-json.json'));
      expect(run.stdout).toMatch(/^\$\.clr\.id: .*line 4, column 10/);
      expect(run.code).toBe(1);
    });

    it('refuses a 20 MB file unread', async () => {
      const file = join(dir, 'big.json');
      writeFileSync(file, `{"@context":"x","pad":"${'x'.repeat(20 * 1024 * 1024)}"}`);
      const run = await verify(file);
      expect(run.stdout).toBe(
        '$: the input is 20 MiB, larger than the limit of 16 MiB\nINVALID postClr payload: 1 finding\n',
      );
      expect(run.code).toBe(1);
    });

    it('refuses more than the limit from stdin without reading it all', async () => {
      const run = await runInProcess(
        VerifyCommandModule,
        ['verify', '-'],
        Buffer.alloc(17 * 1024 * 1024, 0x20),
      );
      expect(run.stdout).toContain('$: the input is larger than the limit of 16 MiB');
      expect(run.code).toBe(1);
    });

    it('rejects garbage given as a compact JWS', async () => {
      const twoParts = await runInProcess(VerifyCommandModule, ['verify', '-'], 'not-a.jws');
      expect(twoParts.stdout).toMatch(/^\$: .*a compact JWS has 3 dot-separated segments, this has 2/m);
      expect(twoParts.code).toBe(1);
      const notJson = await runInProcess(VerifyCommandModule, ['verify', '-'], 'aGVsbG8.d29ybGQ.c2ln');
      expect(notJson.stdout).toMatch(/^\$: .*the JOSE header is not a JSON object/m);
      expect(notJson.code).toBe(1);
    });

    it('rejects empty input', async () => {
      const run = await runInProcess(VerifyCommandModule, ['verify', '-'], '  \n');
      expect(run.stdout).toBe('$: the input is empty\nINVALID postClr payload: 1 finding\n');
      expect(run.code).toBe(1);
    });

    it('checks an unrecognisable document as a postClr payload, with a warning', async () => {
      const run = await runInProcess(VerifyCommandModule, ['verify', '-'], '{"hello": "world"}');
      expect(run.stdout).toContain(
        'warning: $: not recognisable as a CLR 1.0 document; checked as a postClr payload',
      );
      expect(run.stdout).toMatch(/^\$: a postClr payload must carry either 'clr'/m);
      expect(run.code).toBe(1);
    });
  });

  describe('sources', () => {
    let server: Server;
    let base: string;

    beforeAll(async () => {
      server = createServer((request, response) => {
        if (request.url === '/clrs/courses') {
          response.setHeader('content-type', 'application/ld+json');
          response.end(readFileSync(fixture('valid', 'post-clr-courses.json')));
        } else if (request.url === '/clrs/bad') {
          response.end(readFileSync(fixture('invalid', 'unknown-term.json')));
        } else {
          response.statusCode = 404;
          response.end('{}');
        }
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('reads a URL', async () => {
      expect(await verify(`${base}/clrs/courses`)).toEqual({
        code: 0,
        stdout: 'VALID postClr payload\n',
        stderr: '',
      });
      const bad = await verify(`${base}/clrs/bad`);
      expect(bad.stdout).toMatch(/^\$\.clr\.assertions\[0\]\.grade: /);
      expect(bad.code).toBe(1);
    });

    it('exits 2 for a URL that answers 404, without echoing its query', async () => {
      const run = await verify(`${base}/clrs/missing?learner=S-000123`);
      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr: `error: cannot fetch ${base}/clrs/missing?…: HTTP 404\n`,
      });
    });

    it('exits 2 for an unreachable URL', async () => {
      const closed = createServer();
      await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((done) => closed.close(() => done()));
      const run = await verify(`http://127.0.0.1:${port}/clr.json`);
      expect(run.stderr).toBe(`error: cannot fetch http://127.0.0.1:${port}/clr.json: ECONNREFUSED\n`);
      expect(run.code).toBe(2);
    });

    it('reads stdin', async () => {
      const run = await runInProcess(
        VerifyCommandModule,
        ['verify', '-'],
        readFileSync(fixture('valid', 'post-clr-competencies.json')),
      );
      expect(run).toEqual({ code: 0, stdout: 'VALID postClr payload\n', stderr: '' });
    });

    it('exits 2 for a missing file or a directory', async () => {
      const missing = await verify(join(dir, 'nope.json'));
      expect(missing).toEqual({
        code: 2,
        stdout: '',
        stderr: `error: cannot read ${join(dir, 'nope.json')}: no such file or directory (ENOENT)\n`,
      });
      const directory = await verify(dir);
      expect(directory.stderr).toBe(`error: cannot read ${dir}: it is a directory\n`);
      expect(directory.code).toBe(2);
    });
  });

  describe('flags', () => {
    it('prints the report as JSON with --json', async () => {
      const run = await verify(fixture('invalid', 'unknown-term.json'), '--json');
      expect(JSON.parse(run.stdout)).toEqual({
        valid: false,
        kind: 'postClr',
        signatures: 0,
        findings: [
          {
            path: '$.clr.assertions[0].grade',
            stage: 'json-ld',
            reason: expect.stringContaining("'grade' is not a term"),
          },
        ],
        warnings: [],
      });
      expect(run.code).toBe(1);
    });

    it('checks as the kind given with --kind', async () => {
      const clr = JSON.parse(readFileSync(fixture('valid', 'get-clr.json'), 'utf8'));
      const asGetClr = await runInProcess(
        VerifyCommandModule,
        ['verify', '-', '--kind', 'getClr'],
        JSON.stringify(clr),
      );
      expect(asGetClr.stdout).toBe('VALID Clr (getClr payload)\n');
      delete clr['@context'];
      const bare = await runInProcess(
        VerifyCommandModule,
        ['verify', '-', '--kind', 'getClr'],
        JSON.stringify(clr),
      );
      expect(bare.stdout).toMatch(/^\$\['@context'\]: /m);
      expect(bare.code).toBe(1);
    });

    it.each([
      [['--offline'], '--offline needs --keys <dir>'],
      [['--offline', '--keys', 'https://keys.example.org/'], '--offline needs --keys <dir>'],
      [['--keys', 'ftp://keys.example.org/'], '--keys takes a directory or an http(s) URL, not ftp:'],
      [['--kind', 'transcript'], '--kind must be one of postClr, clr'],
    ])('exits 2 for bad flags %j', async (flags, message) => {
      const run = await verify(fixture('valid', 'post-clr-courses.json'), ...flags);
      expect(run.stderr).toContain(`error: ${message}`);
      expect(run.stderr).toContain("Run 'clr-publisher verify --help' for usage.");
      expect(run.stdout).toBe('');
      expect(run.code).toBe(2);
    });

    it('exits 2 for --offline with a URL source, a --kind no JWS can have, or two sources', async () => {
      const keys = ['--keys', SIGNED_KEYS_DIR];
      expect((await verify('https://clr.example.edu/c.json', ...keys, '--offline')).stderr).toContain(
        'error: --offline cannot read a URL',
      );
      const jws = await runInProcess(VerifyCommandModule, ['verify', '-', '--kind', 'clrSet'], 'a.b.c');
      expect(jws.stderr).toContain('--kind clrSet does not apply');
      expect(jws.code).toBe(2);
      const two = await verify('a.json', 'b.json');
      expect(two.stderr).toContain('error: verify takes one source, got 2');
      expect(two.code).toBe(2);
    });

    it('exits 2 for a --keys directory that does not exist or holds a broken file', async () => {
      const missing = await verify(fixture('valid', 'post-clr-courses.json'), '--keys', join(dir, 'no-keys'));
      expect(missing.stderr).toBe(
        `error: --keys ${join(dir, 'no-keys')}: key directory ${join(dir, 'no-keys')} cannot be read\n`,
      );
      expect(missing.code).toBe(2);
      const broken = join(dir, 'broken-keys');
      mkdirSync(broken);
      writeFileSync(join(broken, 'key.json'), '{ not json');
      const run = await verify(fixture('valid', 'post-clr-courses.json'), '--keys', broken);
      expect(run.stderr).toBe(`error: --keys ${broken}: key directory file key.json is not JSON\n`);
      expect(run.code).toBe(2);
    });

    it('exits 2 with a usage message for an unknown option or a missing argument', async () => {
      const unknown = await verify(fixture('valid', 'post-clr-courses.json'), '--frobnicate');
      expect(unknown.stderr).toBe(
        "error: unknown option '--frobnicate'\n" +
          'Usage: clr-publisher verify [options] <source>\n' +
          "Run 'clr-publisher verify --help' for usage.\n",
      );
      expect(unknown.code).toBe(2);
      const missing = await runInProcess(VerifyCommandModule, ['verify']);
      expect(missing.stderr).toContain("error: missing required argument 'source'");
      expect(missing.code).toBe(2);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
