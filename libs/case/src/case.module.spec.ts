import path from 'node:path';
import { Test } from '@nestjs/testing';
import { CaseModule } from './case.module';
import { CaseResolver } from './case-resolver';

const FIXTURE = path.resolve(
  __dirname,
  '../../../test/fixtures/case/act-holistic-framework-math.cfpackage.json',
);
const GEOMETRY_URI = 'http://localhost:3000/ims/case/v1p0/CFItems/3d8cdec5-83d6-49b4-9300-91a824c59758';

describe('CaseModule', () => {
  it('provides a resolver loaded with the configured package files', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CaseModule.forRoot({ packageFiles: [FIXTURE] })],
    }).compile();

    const resolution = await moduleRef.get(CaseResolver).resolve(GEOMETRY_URI);

    expect(resolution.source).toBe('package');
  });

  it('builds the options with an async factory', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CaseModule.forRootAsync({ useFactory: () => Promise.resolve({ packageFiles: [FIXTURE] }) })],
    }).compile();

    expect((await moduleRef.get(CaseResolver).resolve(GEOMETRY_URI)).alignment?.targetCode).toBe(
      'H.A.MATH.GM',
    );
  });

  it('fails startup with the file named when a configured package is missing', async () => {
    await expect(
      Test.createTestingModule({
        imports: [CaseModule.forRoot({ packageFiles: ['/nonexistent/pkg.json'] })],
      }).compile(),
    ).rejects.toThrow('CASE package file /nonexistent/pkg.json: cannot be read (ENOENT)');
  });
});

describe('CaseModule.forAppConfig', () => {
  it('builds the resolver from the case section of the app configuration', async () => {
    const { ClrConfigModule, appConfigSchema } = await import('@app/config');
    const config = appConfigSchema.parse({
      institution: {
        id: 'example-university',
        name: 'Example University',
        url: 'https://www.example.edu',
        email: 'registrar@example.edu',
        idSecret: 'a-real-institution-secret-of-40-characters',
      },
      publicBaseUrl: 'https://clr.example.edu',
      keys: { masterKey: Buffer.alloc(32, 7).toString('base64') },
      sis: { sources: [{ name: 'demo', driver: 'sqlite', connection: { file: 'sis.sqlite' } }] },
      store: { driver: 'sqlite', file: 'publisher.sqlite' },
      redis: { url: 'redis://127.0.0.1:6379' },
      case: { packages: [FIXTURE] },
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ClrConfigModule.forRoot({ config }), CaseModule.forAppConfig()],
    }).compile();

    expect((await moduleRef.get(CaseResolver).resolve(GEOMETRY_URI)).source).toBe('package');
  });
});
