import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clr } from '@app/clr';
import { resolveFromRoot } from '@app/config';
import { type RecordProblem, generateDemoSis } from '@app/sis';
import { describeWithService } from '@app/testing';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { type ContractDatabase, createContractDatabase, readSeed } from '@app/testing';
import { Module } from '@nestjs/common';
import { MemoryCliIo } from '../cli-io';
import { CliModule } from '../cli.module';
import { runInProcess } from '../cli.test-kit';
import { PreviewCommand, runPreview } from './preview.command';

/** The command alone: other commands' modules are not this suite's business. */
@Module({ providers: [PreviewCommand] })
class PreviewOnlyModule {}

/** What preview prints for a learner it found. */
interface PreviewJson {
  status: 'ok' | 'invalid';
  source: string;
  clr: Clr;
  problems: RecordProblem[];
  caseWarnings: { code: string; uri: string; message: string }[];
  findings: { path: string; reason: string; stage: string }[];
  reasons: string[];
}

/** 130 learners: the generator gives learner 125 its data-quality defects. */
const LEARNERS = 130;
const DEFECTIVE = 'S0000125';
const CLEAN = 'S0000007';

const DEFAULT_YAML = readFileSync(resolveFromRoot('config/default.yaml'), 'utf8');

/** config/default.yaml with the demo SIS at `file` and `replace` applied to the text. */
function demoYaml(file: string, replace: Array<[string, string]> = []): string {
  let text = DEFAULT_YAML.replace('file: .data/demo-sis.sqlite', `file: ${JSON.stringify(file)}`);
  for (const [from, to] of replace) {
    if (!text.includes(from)) throw new Error(`config/default.yaml has no "${from}"`);
    text = text.replace(from, to);
  }
  return text;
}

function preview(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runInProcess(PreviewOnlyModule, ['preview', ...argv]);
}

function printed(stdout: string): PreviewJson {
  return JSON.parse(stdout) as PreviewJson;
}

/** The CLR without its issue time (the only part that depends on the clock). */
function timeless(clr: Clr): Omit<Clr, 'issuedOn'> {
  const { issuedOn: _issuedOn, ...rest } = clr;
  return rest;
}

describe('clr-publisher preview', () => {
  let dir: string;
  let sisFile: string;
  let config: string;

  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clr-preview-'));
    sisFile = join(dir, 'demo-sis.sqlite');
    generateDemoSis({ learners: LEARNERS, out: sisFile, seed: 99, defects: true });
    config = write('demo.yaml', demoYaml(sisFile));
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a command of the CLI', async () => {
    expect(Reflect.getMetadata('providers', CliModule)).toContain(PreviewCommand);
    const run = await runInProcess(CliModule, ['preview', CLEAN, '--config', config]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(printed(run.stdout).clr.learner.studentId).toBe(CLEAN);
  });

  it('prints the valid unsigned CLR of a learner and exits 0', async () => {
    const { code, stdout, stderr } = await preview(CLEAN, '--config', config);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const out = printed(stdout);
    expect(out).toMatchObject({
      status: 'ok',
      source: 'demo',
      problems: [],
      caseWarnings: [],
      findings: [],
      reasons: [],
    });
    expect(out.clr).toMatchObject({
      type: 'Clr',
      learner: { studentId: CLEAN },
      publisher: { name: 'Demo University' },
      issuedOn: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(out.clr.id).toMatch(/^http:\/\/127\.0\.0\.1:3000\/ims\/clr\/v1p0\/clrs\/[0-9a-f]{32}$/);
    expect(out.clr.assertions?.length).toBeGreaterThan(0);
    expect(out.clr).not.toHaveProperty('signature');
  });

  it('lists the problems of a learner with bad rows (record set, key, reason), still valid', async () => {
    const { code, stdout } = await preview(DEFECTIVE, '--config', config);
    expect(code).toBe(0);
    const out = printed(stdout);
    expect(out.status).toBe('ok');
    expect(out.problems).toEqual(
      expect.arrayContaining([
        {
          recordSet: 'clr_course_grades',
          key: expect.stringMatching(/^G\d+$/),
          reason: 'course_id refers to no usable row of clr_courses',
          effect: 'skipped',
        },
      ]),
    );
  });

  it('exits 1 for an unknown learner, saying so on stderr without echoing the id', async () => {
    const { code, stdout, stderr } = await preview('S7654321', '--config', config);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('error: SIS source "demo" has no usable learner row for this id\n');
  });

  it('exits 1 for an id with rows but no learner row, printing the orphaned rows', async () => {
    const db = new Database(sisFile);
    db.prepare(
      `INSERT INTO clr_course_grades (grade_id, learner_id, course_id, term, grade, status, updated_at)
       VALUES ('G999999999', 'S0999999', 'C1001', '2024FA', 'A', 'Completed', '2025-01-01 00:00:00')`,
    ).run();
    db.close();
    const { code, stdout, stderr } = await preview('S0999999', '--config', config);
    expect(code).toBe(1);
    expect(stderr).toBe('error: SIS source "demo" has no usable learner row for this id\n');
    expect(JSON.parse(stdout)).toEqual({
      status: 'unknown-learner',
      source: 'demo',
      problems: [
        {
          recordSet: 'clr_course_grades',
          key: 'G999999999',
          reason: 'learner_id refers to no row of clr_learners',
          effect: 'skipped',
        },
      ],
    });
  });

  it('exits 1 for an invalid CLR and still prints it, with the reasons', async () => {
    const failing = write(
      'fail.yaml',
      demoYaml(sisFile, [
        ['    - config/case/act-holistic-framework-math.cfpackage.json\n', ''],
        ['packages:\n', 'packages: []\n'],
        ['onUnresolved: keep-url', 'onUnresolved: fail'],
      ]),
    );
    const { code, stdout, stderr } = await preview(CLEAN, '--config', failing);
    expect(code).toBe(1);
    const out = printed(stdout);
    expect(out.status).toBe('invalid');
    expect(out.clr.learner.studentId).toBe(CLEAN);
    expect(out.reasons.length).toBeGreaterThan(0);
    expect(out.reasons[0]).toMatch(
      /could not be resolved \(unknown-item\) and case\.onUnresolved is "fail"$/,
    );
    expect(out.caseWarnings.map((warning) => warning.code)).toContain('unknown-item');
    expect(stderr).toMatch(/^error: the CLR is invalid \(0 findings, \d+ other reasons?\)\n$/);
  });

  it('exits 2 listing every problem of a bad configuration', async () => {
    const bad = write(
      'bad.yaml',
      demoYaml(sisFile, [
        ['publicBaseUrl: http://127.0.0.1:3000', 'publicBaseUrl: not-a-url'],
        ['driver: sqlite\n      connection', 'driver: oracle\n      connection'],
        ['onUnresolved: keep-url', 'onUnresolved: shrug'],
      ]),
    );
    const { code, stdout, stderr } = await preview(CLEAN, '--config', bad);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain('3 problems');
    expect(stderr).toContain('  - publicBaseUrl:');
    expect(stderr).toContain('  - sis.sources[0].driver: must be one of');
    expect(stderr).toContain('  - case.onUnresolved: must be one of "keep-url", "omit", "fail"');
  });

  it('exits 2 for a configuration file that does not exist', async () => {
    const { code, stderr } = await preview(CLEAN, '--config', join(dir, 'absent.yaml'));
    expect(code).toBe(2);
    expect(stderr).toContain('file not found');
  });

  it('exits 2 on usage errors: no learner id, an unknown option, a source not configured', async () => {
    const missing = await preview('--config', config);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'learner-id'");
    const unknown = await preview(CLEAN, '--config', config, '--bogus');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const source = await preview(CLEAN, '--config', config, '--source', 'registrar');
    expect(source).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --source: no SIS source named "registrar" (configured: demo)\n',
    });
    const blank = await preview('  ', '--config', config);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain('the learner id is empty');
  });

  it('exits 2 when the SIS cannot be read, naming the file', async () => {
    const gone = write('gone.yaml', demoYaml(join(dir, 'no-such-sis.sqlite')));
    const { code, stderr } = await preview(CLEAN, '--config', gone);
    expect(code).toBe(2);
    expect(stderr).toContain(`SQLite file not found: ${join(dir, 'no-such-sis.sqlite')}`);
  });

  it('takes the configuration from CLR_CONFIG when --config is not given', async () => {
    const io = new MemoryCliIo();
    const code = await runPreview(CLEAN, {}, io, {
      configLoad: { env: { CLR_CONFIG: config } },
      now: () => new Date('2025-07-15T12:00:00.123Z'),
    });
    expect({ code, stderr: io.stderr }).toEqual({ code: 0, stderr: '' });
    expect(printed(io.stdout).clr.issuedOn).toBe('2025-07-15T12:00:00Z');
  });

  describeWithService('postgres', 'against a PostgreSQL SIS named in a configuration file', () => {
    let database: ContractDatabase;
    let pgConfig: string;

    beforeAll(async () => {
      database = await createContractDatabase('postgres', readSeed(sisFile), 'preview');
      const source = { ...database.source(), name: 'registrar' };
      const yaml = DEFAULT_YAML.replace(/sis:\n(?: {2}.*\n)+/, stringify({ sis: { sources: [source] } }));
      expect(yaml).toContain('driver: postgres');
      pgConfig = write('postgres.yaml', yaml);
    }, 120_000);

    afterAll(async () => {
      await database?.drop();
    });

    it('prints the same CLR as the SQLite demo SIS gives for that learner, exit 0', async () => {
      const fromPostgres = await preview(DEFECTIVE, '--config', pgConfig);
      const fromSqlite = await preview(DEFECTIVE, '--config', config);
      expect({ code: fromPostgres.code, stderr: fromPostgres.stderr }).toEqual({ code: 0, stderr: '' });
      const pg = printed(fromPostgres.stdout);
      const lite = printed(fromSqlite.stdout);
      expect(pg.source).toBe('registrar');
      expect(pg.status).toBe('ok');
      expect(pg.clr.learner.studentId).toBe(DEFECTIVE);
      expect(timeless(pg.clr)).toEqual(timeless(lite.clr));
      expect(pg.problems).toEqual(lite.problems);
    });

    it('exits 1 for a learner the PostgreSQL SIS does not have', async () => {
      const { code, stdout, stderr } = await preview(
        'S7654321',
        '--config',
        pgConfig,
        '--source',
        'registrar',
      );
      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toBe('error: SIS source "registrar" has no usable learner row for this id\n');
    });

    it('exits 2 naming the missing view when the schema lacks one', async () => {
      await database.run('DROP VIEW clr_degrees');
      try {
        const { code, stderr } = await preview(CLEAN, '--config', pgConfig);
        expect(code).toBe(2);
        expect(stderr).toContain('clr_degrees');
      } finally {
        await database.run('CREATE VIEW clr_degrees AS SELECT * FROM sis_clr_degrees');
      }
    });
  });
});
