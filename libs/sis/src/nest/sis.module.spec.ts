import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfig, ClrConfigModule, loadConfig } from '@app/config';
import { Test } from '@nestjs/testing';
import { generateDemoSis } from '../demo/demo-sis.generator';
import { SisError } from '../reader/sis.error';
import { SisReader } from '../reader/sis.reader';
import { SisReaders } from './sis-readers.service';
import { SisModule } from './sis.module';

describe('SisModule', () => {
  let dir: string;
  let demo: AppConfig;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clr-sis-module-'));
    const file = generateDemoSis({ learners: 15, out: join(dir, 'sis.sqlite'), seed: 2 }).file;
    const base = loadConfig({ env: {} });
    const source = { ...base.sis.sources[0], connection: { file } } as AppConfig['sis']['sources'][number];
    demo = { ...base, sis: { sources: [source, { ...source, name: 'second' }] } };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('provides one reader per configured source, the first as SisReader, and closes them on shutdown', async () => {
    const module = await Test.createTestingModule({
      imports: [ClrConfigModule.forRoot({ config: demo }), SisModule],
    }).compile();
    const readers = module.get(SisReaders);
    expect(readers.all().map((reader) => reader.name)).toEqual(['demo', 'second']);
    expect(module.get(SisReader)).toBe(readers.get('demo'));
    expect(() => readers.get('nope')).toThrow('no SIS source named "nope" (configured: demo, second)');

    const reader = readers.get('second');
    const ids: string[] = [];
    for await (const page of reader.learnerIdPages()) ids.push(...page);
    expect(ids).toHaveLength(15);
    const close = jest.spyOn(reader, 'close');
    module.enableShutdownHooks();
    await module.close();
    expect(close).toHaveBeenCalled();
  });

  it('fails at start with every source’s configuration problem listed', async () => {
    const [first, second] = demo.sis.sources;
    const broken: AppConfig = {
      ...demo,
      sis: {
        sources: [
          {
            ...first,
            recordSets: { clr_courses: { enabled: true, columns: { titel: 'x' }, parameters: {} } },
          },
          { ...second, recordSets: { clr_course_grades: { enabled: false, columns: {}, parameters: {} } } },
        ],
      },
    };
    const error = await Test.createTestingModule({
      imports: [ClrConfigModule.forRoot({ config: broken }), SisModule],
    })
      .compile()
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(SisError);
    expect((error as SisError).code).toBe('SIS_CONFIG');
    expect((error as SisError).problems).toEqual([
      expect.stringMatching(
        /^sis\.sources\[0\]\.recordSets\.clr_courses\.columns\.titel: "titel" is not a column of clr_courses/,
      ),
      'sis.sources[1].recordSets.clr_course_grades.enabled: clr_course_grades is required and cannot be disabled',
    ]);
  });
});
