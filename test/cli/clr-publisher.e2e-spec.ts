/**
 * The real `clr-publisher` process: bin/clr-publisher.js over a fresh build of the current
 * sources. The build goes to a private folder under .data/ (not dist/, which other suites may
 * be running while this one builds); a copy of the bin script sits beside it, so the bin's own
 * path logic is what runs. Behaviour in detail is specified in-process (apps/cli/src/**\/*.spec.ts);
 * this suite checks what only a real process shows: exit statuses, stdout/stderr separation,
 * no Nest logging, stdin from a pipe, and that the process ends once the work is done.
 */
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'clr');
const BUILD = join(ROOT, '.data', `cli-e2e-${process.pid}`);
const BIN = join(BUILD, 'bin', 'clr-publisher.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking the event loop (a spec's own HTTP server must answer it). */
function cli(args: string[], stdin?: string | Buffer): Promise<Run> {
  return new Promise<Run>((done, fail) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          // Not an exit status: the process could not run or was killed (timeout).
          fail(new Error(`clr-publisher did not complete: ${error.message}`));
          return;
        }
        done({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}

describe('clr-publisher (built, as a process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clr-cli-e2e-'));

  beforeAll(() => {
    const build = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'build.js'), '--out', join(BUILD, 'dist')],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
    mkdirSync(join(BUILD, 'bin'), { recursive: true });
    copyFileSync(join(ROOT, 'bin', 'clr-publisher.js'), BIN);
  }, 120_000);

  afterAll(() => {
    rmSync(BUILD, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the commands with --help, exit 0, nothing on stderr', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}verify \[options\] <source>/m);
    expect(run.stdout).toMatch(/^ {2}keys /m);
    expect(run.stderr).toBe('');
  });

  it('exits 0 for a valid document and 1 for an invalid one, with the report on stdout only', async () => {
    const valid = await cli(['verify', join(FIXTURES, 'valid', 'post-clr-courses.json')]);
    expect(valid).toEqual({ code: 0, stdout: 'VALID postClr payload\n', stderr: '' });
    const invalid = await cli(['verify', join(FIXTURES, 'invalid', 'date-time-without-zone.json')]);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(
      /^\$\.clr\.assertions\[0\]\.issuedOn: .*must carry a time zone.*\nINVALID /,
    );
    expect(invalid.stderr).toBe('');
  });

  it('verifies the signed fixture offline and reads stdin from a pipe', async () => {
    const signed = await cli(
      ['verify', '-', '--keys', join(FIXTURES, 'signed', 'keys'), '--offline'],
      readFileSync(join(FIXTURES, 'signed', 'post-clr.signed.json')),
    );
    expect(signed).toEqual({
      code: 0,
      stdout: 'VALID postClr payload: 6 signed objects checked\n',
      stderr: '',
    });
  });

  it('exits 2 with a usage message for command-line errors, and for a missing file', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown command 'frobnicate'\nRun 'clr-publisher --help' for usage.\n",
    });
    const missingArgument = await cli(['verify']);
    expect(missingArgument.code).toBe(2);
    expect(missingArgument.stderr).toContain("error: missing required argument 'source'");
    expect(missingArgument.stderr).toContain('Usage: clr-publisher verify [options] <source>');
    const missingFile = await cli(['verify', join(dir, 'absent.json')]);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toBe(
      `error: cannot read ${join(dir, 'absent.json')}: no such file or directory (ENOENT)\n`,
    );
  });

  describe('with a local HTTP server', () => {
    let server: Server;
    let base: string;

    beforeAll(async () => {
      server = createServer((request, response) => {
        if (request.url === '/clr.json')
          response.end(readFileSync(join(FIXTURES, 'valid', 'post-clr-competencies.json')));
        else {
          response.statusCode = 404;
          response.end();
        }
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('reads a URL and exits once done (keep-alive sockets do not hold it)', async () => {
      expect(await cli(['verify', `${base}/clr.json`])).toEqual({
        code: 0,
        stdout: 'VALID postClr payload\n',
        stderr: '',
      });
      const notFound = await cli(['verify', `${base}/other.json`]);
      expect(notFound).toEqual({
        code: 2,
        stdout: '',
        stderr: `error: cannot fetch ${base}/other.json: HTTP 404\n`,
      });
    });
  });

  it('generates a key pair with a private key only its owner can read', async () => {
    const out = join(dir, 'keys');
    const run = await cli([
      'keys',
      'generate',
      '--out',
      out,
      '--owner',
      'https://clr.example.edu/profiles/institution',
      '--key-url',
      'https://clr.example.edu/keys/{kid}',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^kid: {10}[A-Za-z0-9_-]{43}$/m);
    expect(statSync(join(out, 'private-key.pem')).mode & 0o777).toBe(0o600);
  });
});
