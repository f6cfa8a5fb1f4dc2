import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError } from '../config.error';
import { DEMO_ID_SECRET, DEMO_MASTER_KEY } from '../schema/app-config.schema';
import { loadConfig, parseConfig } from './config.loader';
import { projectRoot } from './project-root';

const root = projectRoot();

/** A small valid configuration as a plain object, to break one key at a time. */
function validConfig(): Record<string, any> {
  return {
    institution: {
      id: 'test-u',
      name: 'Test University',
      url: 'https://test.example.edu',
      email: 'registrar@test.example.edu',
      idSecret: 'x'.repeat(40),
    },
    publicBaseUrl: 'https://clr.test.example.edu',
    keys: { masterKey: Buffer.alloc(32, 7).toString('base64') },
    sis: { sources: [{ name: 'main', driver: 'sqlite', connection: { file: 'sis.sqlite' } }] },
    store: { driver: 'sqlite', file: '.data/p.sqlite' },
  };
}

function parse(config: unknown, env: Record<string, string> = {}) {
  return parseConfig(stringify(config), { env, source: 'test.yaml', root: '/srv/clr' });
}

function issuesOf(config: unknown, env: Record<string, string> = {}): { path: string; message: string }[] {
  try {
    parse(config, env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('loads the embedded demo (config/default.yaml) with no environment variables', () => {
    const config = loadConfig({ env: {} });
    expect(config.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(config.institution.idSecret).toBe(DEMO_ID_SECRET);
    expect(config.keys.masterKey).toBe(DEMO_MASTER_KEY);
    const [source] = config.sis.sources;
    expect(source.driver).toBe('sqlite');
    expect(source.driver === 'sqlite' && source.connection.file).toBe(join(root, '.data/demo-sis.sqlite'));
    expect(config.store).toEqual({
      driver: 'sqlite',
      file: join(root, '.data/publisher.sqlite'),
      logging: false,
    });
    expect(config.case.packages).toEqual([
      join(root, 'config/case/act-holistic-framework-math.cfpackage.json'),
    ]);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.mapping.gradeScale.F).toEqual({ points: 0, passing: false });
  });

  it('takes the file from CLR_CONFIG, relative to the project root', () => {
    const config = loadConfig({
      env: {
        CLR_CONFIG: 'config/production.example.yaml',
        CLR_ID_SECRET: 's'.repeat(48),
        CLR_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
        SIS_DB_PASSWORD: 'pw',
        CLR_STORE_PASSWORD: 'pw2',
        WALLET_CLIENT_ID: 'id',
        WALLET_CLIENT_SECRET: 'secret',
        CLR_ADMIN_OPERATOR_TOKEN_SHA256: 'a'.repeat(64),
        CLR_ADMIN_VIEWER_TOKEN_SHA256: 'B'.repeat(64),
      },
    });
    expect(config.publicBaseUrl).toBe('https://clr.example.edu');
    const [source] = config.sis.sources;
    expect(source.driver).toBe('mssql');
    expect(source.recordSets.clr_courses?.columns).toEqual({
      title: 'course_title',
      field_of_study: 'cip_title',
      level: null,
    });
    expect(source.recordSets.clr_learners?.parameters).toEqual({ campus: 'MAIN', consent: 1 });
    expect(config.delivery.targets.map((target) => target.auth.type)).toEqual([
      'clientCredentials',
      'dynamicRegistration',
    ]);
    expect(config.admin.tokens.map((token) => [token.name, token.role, token.sha256])).toEqual([
      ['night-operator', 'operator', 'a'.repeat(64)],
      ['dashboard', 'viewer', 'b'.repeat(64)],
    ]);
    expect(config.admin.oidc?.rolesClaim).toBe('realm_access.roles');
  });

  it('lists every unset secret of the production example in one error, each with its key path', () => {
    let error: unknown;
    try {
      loadConfig({ path: 'config/production.example.yaml', env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((issue) => issue.path)).toEqual([
      'institution.idSecret',
      'keys.masterKey',
      'sis.sources[0].connection.password',
      'store.connection.password',
      'delivery.targets[0].auth.clientId',
      'delivery.targets[0].auth.clientSecret',
      'admin.tokens[0].sha256',
      'admin.tokens[1].sha256',
    ]);
    expect(issues[1].message).toMatch(/environment variable CLR_MASTER_KEY is not set/);
    expect((error as Error).message).toMatch(/8 problems/);
  });

  it('says when the file does not exist', () => {
    expect(() => loadConfig({ path: 'config/nope.yaml', env: {} })).toThrow(
      /file not found: .*config\/nope\.yaml/,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clr-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'institution:\n  id: a\n   name: b\n');
    expect(() => loadConfig({ path: file, env: {} })).toThrow(/YAML line 2, column 7: Nested mappings/);
    writeFileSync(file, 'institution: 1\ninstitution: 2\n');
    expect(() => loadConfig({ path: file, env: {} })).toThrow(/unique/i);
  });

  it('reports an unquoted value starting with * by its line, without echoing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clr-config-'));
    const file = join(dir, 'alias.yaml');
    writeFileSync(file, 'keys:\n  masterKey: *Kq7Rz9PrivateMasterKeyValue\n');
    let message = '';
    try {
      loadConfig({ path: file, env: {} });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/YAML line 2, column 14: an alias \(\*name\) names no anchor; quote a value/);
    expect(message).not.toContain('Kq7Rz9');
  });
});

describe('parseConfig: environment substitution', () => {
  it('substitutes ${VAR}, ${VAR:-default}, $$ and coerces numbers and booleans from strings', () => {
    const config = validConfig();
    config.institution.idSecret = '${ID_SECRET}';
    config.institution.name = 'Cost $$5 ${MISSING:-University}';
    config.sis.sources[0] = {
      name: 'pg',
      driver: 'postgres',
      connection: {
        host: '${PGHOST:-localhost}',
        port: '${PGPORT}',
        database: 'sis',
        user: 'reader',
        password: '${PGPASSWORD}',
        options: { ssl: '${PGSSL:-false}' },
      },
      pageSize: '${PAGE:-500}',
    };
    const parsed = parse(config, { ID_SECRET: 'k'.repeat(33), PGPORT: '6543', PGPASSWORD: '', PGSSL: '' });
    expect(parsed.institution.idSecret).toBe('k'.repeat(33));
    expect(parsed.institution.name).toBe('Cost $5 University');
    const source = parsed.sis.sources[0];
    expect(source.driver).toBe('postgres');
    if (source.driver !== 'postgres') return;
    expect(source.connection).toEqual({
      host: 'localhost',
      port: 6543,
      database: 'sis',
      user: 'reader',
      password: '',
      options: { ssl: false, rejectUnauthorized: true },
    });
    expect(source.pageSize).toBe(500);
  });

  it('reports an unset variable without default at its key path, once', () => {
    const config = validConfig();
    config.keys.masterKey = '${CLR_MASTER_KEY}';
    const issues = issuesOf(config);
    expect(issues).toEqual([
      {
        path: 'keys.masterKey',
        message: expect.stringMatching(/^environment variable CLR_MASTER_KEY is not set/),
      },
    ]);
  });

  it('takes redis.url from REDIS_URL when the section or key is left out', () => {
    expect(parse(validConfig(), { REDIS_URL: 'redis://cache:6380' }).redis).toEqual({
      url: 'redis://cache:6380',
      prefix: 'clr',
    });
    expect(parse(validConfig()).redis.url).toBe('redis://127.0.0.1:6379');
    expect(parse({ ...validConfig(), redis: { prefix: 'x' } }, { REDIS_URL: 'rediss://r:1' }).redis).toEqual({
      url: 'rediss://r:1',
      prefix: 'x',
    });
  });

  it('resolves relative file paths against the root and keeps absolute ones', () => {
    const config = validConfig();
    config.case = { packages: ['case/a.json', '/abs/b.json'] };
    const parsed = parse(config);
    expect(parsed.case.packages).toEqual(['/srv/clr/case/a.json', '/abs/b.json']);
    expect(parsed.store).toMatchObject({ file: '/srv/clr/.data/p.sqlite' });
    const source = parsed.sis.sources[0];
    expect(source.driver === 'sqlite' && source.connection.file).toBe('/srv/clr/sis.sqlite');
  });
});

describe('parseConfig: each kind of bad key is reported with its path', () => {
  const cases: [string, (config: Record<string, any>) => void, string, RegExp][] = [
    ['unknown key', (c) => (c.institution.nmae = 'x'), 'institution', /unknown key "nmae"/],
    ['missing section', (c) => delete c.store, 'store', /is required/],
    [
      'wrong type',
      (c) => (c.sis.sources[0].pageSize = 'many'),
      'sis.sources[0].pageSize',
      /must be number, not string/,
    ],
    [
      'out of range',
      (c) => (c.sis.sources[0].pageSize = 5),
      'sis.sources[0].pageSize',
      /greater than or equal to 10/,
    ],
    [
      'unknown driver',
      (c) => (c.sis.sources[0].driver = 'oracle'),
      'sis.sources[0].driver',
      /must be one of "mssql", "postgres"/,
    ],
    [
      'trailing slash',
      (c) => (c.publicBaseUrl = 'https://x.example/'),
      'publicBaseUrl',
      /must not end with a slash/,
    ],
    ['not a URL', (c) => (c.publicBaseUrl = 'ftp://x.example'), 'publicBaseUrl', /absolute http\(s\) URL/],
    ['bad email', (c) => (c.institution.email = 'registrar'), 'institution.email', /email/],
    ['short secret', (c) => (c.institution.idSecret = 'short'), 'institution.idSecret', /at least 32/],
    [
      'master key size',
      (c) => (c.keys.masterKey = Buffer.alloc(16).toString('base64')),
      'keys.masterKey',
      /32 random bytes/,
    ],
    [
      'bad cron',
      (c) => (c.sis.sources[0].schedule = { incremental: 'nightly' }),
      'sis.sources[0].schedule.incremental',
      /cron/,
    ],
    [
      'cron field out of range',
      (c) => (c.sis.sources[0].schedule = { full: '99 2 * * *' }),
      'sis.sources[0].schedule.full',
      /is not a cron expression the scheduler accepts: Field value \(99\) is out of range/,
    ],
    [
      'unknown time zone',
      (c) => (c.sis.sources[0].schedule = { incremental: '0 2 * * *', timeZone: 'Mars/Olympus_Mons' }),
      'sis.sources[0].schedule.timeZone',
      /must be an IANA time zone name/,
    ],
    [
      'empty grade scale',
      (c) => (c.mapping = { gradeScale: {} }),
      'mapping.gradeScale',
      /must list at least one grade/,
    ],
    [
      'duplicate source',
      (c) => c.sis.sources.push({ ...c.sis.sources[0] }),
      'sis.sources[1].name',
      /duplicate source name "main"/,
    ],
    [
      'unknown record set',
      (c) => (c.sis.sources[0].recordSets = { clr_course: {} }),
      'sis.sources[0].recordSets',
      /unknown key "clr_course"/,
    ],
    [
      'view and query',
      (c) => (c.sis.sources[0].recordSets = { clr_courses: { view: 'v', query: 'SELECT 1 AS x' } }),
      'sis.sources[0].recordSets.clr_courses.query',
      /either "view" or "query"/,
    ],
    [
      'query parameter without value',
      (c) => (c.sis.sources[0].recordSets = { clr_courses: { query: 'SELECT * FROM c WHERE t = :term' } }),
      'sis.sources[0].recordSets.clr_courses.parameters.term',
      /uses :term but "parameters" gives no value/,
    ],
    [
      'unused query parameter',
      (c) =>
        (c.sis.sources[0].recordSets = { clr_courses: { query: 'SELECT * FROM c', parameters: { t: 1 } } }),
      'sis.sources[0].recordSets.clr_courses.parameters.t',
      /never uses :t/,
    ],
    [
      'not a SELECT',
      (c) => (c.sis.sources[0].recordSets = { clr_courses: { query: 'DELETE FROM c' } }),
      'sis.sources[0].recordSets.clr_courses.query',
      /single SELECT/,
    ],
    [
      'two statements',
      (c) => (c.sis.sources[0].recordSets = { clr_courses: { query: 'SELECT 1; DROP TABLE x' } }),
      'sis.sources[0].recordSets.clr_courses.query',
      /must not contain ";"/,
    ],
    [
      'learners disabled',
      (c) => (c.sis.sources[0].recordSets = { clr_learners: { enabled: false } }),
      'sis.sources[0].recordSets.clr_learners.enabled',
      /cannot be disabled/,
    ],
    [
      'bad column name',
      (c) => (c.sis.sources[0].recordSets = { clr_courses: { columns: { title: 'a;b' } } }),
      'sis.sources[0].recordSets.clr_courses.columns.title',
      /column name/,
    ],
    [
      'schema on sqlite',
      (c) => (c.sis.sources[0].schema = 'dbo'),
      'sis.sources[0].schema',
      /SQLite has no schemas/,
    ],
    [
      'store driver',
      (c) => (c.store = { driver: 'oracle' }),
      'store.driver',
      /must be one of "sqlite", "postgres", "mssql"/,
    ],
    ['redis url', (c) => (c.redis = { url: 'http://r' }), 'redis.url', /redis:\/\//],
    [
      'delivery auth type',
      (c) =>
        (c.delivery = { targets: [{ name: 't', baseUrl: 'https://t.example', auth: { type: 'basic' } }] }),
      'delivery.targets[0].auth.type',
      /must be one of "clientCredentials", "dynamicRegistration"/,
    ],
    [
      'delivery payload',
      (c) =>
        (c.delivery = {
          targets: [
            {
              name: 't',
              baseUrl: 'https://t.example',
              auth: { type: 'dynamicRegistration' },
              payload: 'jwt',
            },
          ],
        }),
      'delivery.targets[0].payload',
      /must be one of "signedClr", "clr"/,
    ],
    [
      'grade scale',
      (c) => (c.mapping = { gradeScale: { A: { points: 4 } } }),
      'mapping.gradeScale.A.passing',
      /is required/,
    ],
    [
      'recipient identity',
      (c) => (c.mapping = { recipientIdentity: 'name' }),
      'mapping.recipientIdentity',
      /must be one of/,
    ],
    [
      'case fallback',
      (c) => (c.case = { onUnresolved: 'ignore' }),
      'case.onUnresolved',
      /must be one of "keep-url", "omit", "fail"/,
    ],
    [
      'demo id secret in production',
      (c) => (c.institution.idSecret = DEMO_ID_SECRET),
      'institution.idSecret',
      /demo-only/,
    ],
    [
      'demo master key in production',
      (c) => (c.keys.masterKey = DEMO_MASTER_KEY),
      'keys.masterKey',
      /demo-only/,
    ],
    [
      'demo master key on a loopback publicBaseUrl, listening on every address',
      (c) => {
        c.publicBaseUrl = 'http://127.0.0.1:3000';
        c.http = { host: '0.0.0.0' };
        c.keys.masterKey = DEMO_MASTER_KEY;
      },
      'keys.masterKey',
      /demo-only.*http\.host/,
    ],
  ];

  it.each(cases)('%s', (_name, breakIt, path, reason) => {
    const config = validConfig();
    breakIt(config);
    const issues = issuesOf(config);
    expect(issues).toContainEqual({ path, message: expect.stringMatching(reason) });
  });

  it('the valid baseline itself has no problem', () => {
    expect(() => parse(validConfig())).not.toThrow();
  });

  it('accepts the demo secrets on a loopback publicBaseUrl', () => {
    const config = validConfig();
    config.publicBaseUrl = 'http://localhost:3000';
    config.institution.idSecret = DEMO_ID_SECRET;
    config.keys.masterKey = DEMO_MASTER_KEY;
    expect(parse(config).keys.masterKey).toBe(DEMO_MASTER_KEY);
  });

  it('lists all problems in one error, not the first one only', () => {
    const config = validConfig();
    config.publicBaseUrl = 'nope';
    config.sis.sources[0].driver = 'oracle';
    config.institution.extra = true;
    config.keys.masterKey = '${NOT_SET}';
    let error: unknown;
    try {
      parse(config);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/4 problems/);
    for (const path of ['keys.masterKey', 'institution', 'publicBaseUrl', 'sis.sources[0].driver']) {
      expect(message).toContain(`  - ${path}: `);
    }
  });

  it('never echoes a secret value in its messages', () => {
    const config = validConfig();
    config.keys.masterKey = 'c3VwZXItc2VjcmV0LXZhbHVl';
    config.institution.idSecret = 'super-secret-but-short';
    const text = issuesOf(config)
      .map((issue) => issue.message)
      .join('\n');
    expect(text).not.toContain('c3VwZXItc2VjcmV0LXZhbHVl');
    expect(text).not.toContain('super-secret-but-short');
  });
});

describe('config files in the repository', () => {
  it('default.yaml labels its fixed secrets as demo-only', () => {
    const text = readFileSync(join(root, 'config/default.yaml'), 'utf8');
    expect(text).toContain(DEMO_ID_SECRET);
    expect(text.match(/DEMO ONLY/g)?.length).toBe(3); // id secret, master key, admin token
  });
});
