import { appConfigSchema } from '@app/config';
import { fullRecords, GEOMETRY_ALIGNMENT, GEOMETRY_URI } from '../test/learner-records.fixture';
import { mapLearnerToClr } from './map-learner-to-clr';
import { mappingContextFromConfig } from './mapping-config';

const raw = {
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
};

describe('mappingContextFromConfig', () => {
  it('builds the context from a validated configuration and its defaults', () => {
    const config = appConfigSchema.parse(raw);
    const alignments = new Map([[GEOMETRY_URI, GEOMETRY_ALIGNMENT]]);

    const ctx = mappingContextFromConfig(config, alignments, '2025-01-15T02:00:00Z');

    expect(ctx).toMatchObject({
      publicBaseUrl: 'https://clr.example.edu',
      idSecret: 'a-real-institution-secret-of-40-characters',
      institution: { id: 'example-university', name: 'Example University' },
      recipientIdentity: 'email-then-studentId',
      hashRecipientIdentity: true,
      performanceLevels: ['Beginning', 'Developing', 'Proficient', 'Mastered'],
      unresolvedAlignment: 'keep-url',
      issuedOn: '2025-01-15T02:00:00Z',
    });
    expect(ctx.alignments).toBe(alignments);
    expect(mapLearnerToClr(fullRecords(), ctx).problems).toEqual([]);
  });

  it('maps onUnresolved omit to omit, and fail to keep-url (the build fails the learner)', () => {
    const omit = appConfigSchema.parse({ ...raw, case: { onUnresolved: 'omit' } });
    const fail = appConfigSchema.parse({ ...raw, case: { onUnresolved: 'fail' } });
    expect(mappingContextFromConfig(omit, new Map(), '2025-01-15T02:00:00Z').unresolvedAlignment).toBe(
      'omit',
    );
    expect(mappingContextFromConfig(fail, new Map(), '2025-01-15T02:00:00Z').unresolvedAlignment).toBe(
      'keep-url',
    );
  });
});
