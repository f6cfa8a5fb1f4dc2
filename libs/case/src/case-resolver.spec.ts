import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CaseServiceStandIn } from '../test/case-service.stand-in';
import { loadCfPackageFile } from './cf-package.loader';
import { CaseResolver, type CaseServiceOptions } from './case-resolver';

const FIXTURE = path.resolve(
  __dirname,
  '../../../test/fixtures/case/act-holistic-framework-math.cfpackage.json',
);
const FRAMEWORK = 'ACT Holistic Framework, Math';
const PACKAGE_ID = 'a33fc64e-5c40-11e7-82c4-3d54268aa9ee';
const GEOMETRY_ID = '3d8cdec5-83d6-49b4-9300-91a824c59758';
const GEOMETRY_URI = `http://localhost:3000/ims/case/v1p0/CFItems/${GEOMETRY_ID}`;
const PLANE_URI = 'http://localhost:3000/ims/case/v1p0/CFItems/9d8d5691-3c65-4f95-af82-858844732458';
const UNKNOWN_URI = 'http://localhost:3000/ims/case/v1p0/CFItems/00000000-0000-4000-8000-000000000000';
const HOUR = 60 * 60 * 1000;

function freshPackageJson(): any {
  return JSON.parse(readFileSync(FIXTURE, 'utf8'));
}

describe('CaseResolver', () => {
  let service: CaseServiceStandIn;
  let now: number;
  const clock = (): number => now;

  beforeEach(async () => {
    now = 1_700_000_000_000;
    service = new CaseServiceStandIn(freshPackageJson());
    await service.start();
  });

  afterEach(async () => {
    await service.stop();
  });

  function serviceOptions(extra: Partial<CaseServiceOptions> = {}): CaseServiceOptions {
    return { baseUrl: service.baseUrl, cacheTtlMs: HOUR, failureBackoffMs: 0, timeoutMs: 2000, ...extra };
  }

  describe('from a configured CFPackage file', () => {
    it('resolves an item by its uri to a CFItem alignment, without asking the service', async () => {
      const resolver = new CaseResolver({
        packages: [await loadCfPackageFile(FIXTURE)],
        service: serviceOptions(),
        clock,
      });

      const resolution = await resolver.resolve(GEOMETRY_URI, 'Geometry');

      expect(resolution.source).toBe('package');
      expect(resolution.warnings).toEqual([]);
      expect(resolution.alignment).toEqual({
        type: 'Alignment',
        targetType: 'CFItem',
        targetUrl: GEOMETRY_URI,
        targetCode: 'H.A.MATH.GM',
        targetName:
          'Properties and measurements of and relationships among two?- and three-dimensional shapes',
        targetFramework: FRAMEWORK,
      });
      expect(service.requests).toEqual([]);
    });

    it('resolves every item of the real package', async () => {
      const pkg = await loadCfPackageFile(FIXTURE);
      const resolver = new CaseResolver({ packages: [pkg], clock });

      const batch = await resolver.resolveMany(pkg.CFItems.map((item) => ({ uri: item.uri })));

      expect(batch.warnings).toEqual([]);
      expect(batch.alignments.size).toBe(28);
      for (const item of pkg.CFItems) {
        expect(batch.alignments.get(item.uri)).toMatchObject({
          targetName: item.fullStatement,
          targetFramework: FRAMEWORK,
        });
      }
    });
  });

  describe('from the CASE service', () => {
    it('GETs /ims/case/v1p0/CFItems/{identifier} derived from the uri and takes the framework from CFDocumentURI', async () => {
      const resolver = new CaseResolver({ service: serviceOptions(), clock });

      const resolution = await resolver.resolve(PLANE_URI, 'Plane figures');

      expect(resolution.source).toBe('service');
      expect(resolution.warnings).toEqual([]);
      expect(resolution.alignment).toEqual({
        type: 'Alignment',
        targetType: 'CFItem',
        targetUrl: PLANE_URI,
        targetCode: 'H.A.MATH.GM.PF',
        targetName:
          'Understanding properties of and relationships among shapes that are contained in a plane',
        targetFramework: FRAMEWORK,
      });
      expect(service.requests).toEqual(['/ims/case/v1p0/CFItems/9d8d5691-3c65-4f95-af82-858844732458']);
    });

    it('accepts a base URL that already ends with the CASE binding path', async () => {
      const resolver = new CaseResolver({
        service: serviceOptions({ baseUrl: `${service.baseUrl}/ims/case/v1p0/` }),
        clock,
      });

      expect((await resolver.resolve(PLANE_URI)).source).toBe('service');
      expect(service.requests).toEqual(['/ims/case/v1p0/CFItems/9d8d5691-3c65-4f95-af82-858844732458']);
    });

    it('answers from the cache within the TTL (one request for three resolutions)', async () => {
      const resolver = new CaseResolver({ service: serviceOptions(), clock });

      await resolver.resolve(PLANE_URI);
      now += HOUR / 2;
      const second = await resolver.resolve(PLANE_URI);
      now += HOUR / 2 - 1;
      const third = await resolver.resolve(PLANE_URI);

      expect(second.source).toBe('cache');
      expect(third.source).toBe('cache');
      expect(service.requests).toHaveLength(1);
    });

    it('asks again once the TTL has passed and picks up an edited statement', async () => {
      const resolver = new CaseResolver({ service: serviceOptions(), clock });
      await resolver.resolve(GEOMETRY_URI);

      service.editStatement(GEOMETRY_ID, 'Geometry, revised');
      now += HOUR;
      const refreshed = await resolver.resolve(GEOMETRY_URI);

      expect(refreshed.source).toBe('service');
      expect(refreshed.alignment?.targetName).toBe('Geometry, revised');
      expect(service.requests).toHaveLength(2);
    });

    it('falls back to the stale cached copy when the service is down after the TTL', async () => {
      const resolver = new CaseResolver({ service: serviceOptions(), clock });
      const first = await resolver.resolve(GEOMETRY_URI);
      await service.stop();

      now += 2 * HOUR;
      const offline = await resolver.resolve(GEOMETRY_URI, 'Geometry');

      expect(offline.source).toBe('stale-cache');
      expect(offline.alignment).toEqual(first.alignment);
      expect(offline.warnings.map((warning) => warning.code)).toEqual(['service-unreachable', 'stale-cache']);
    });

    it('keeps the uri and the competency name, with a warning, for an item the service does not know', async () => {
      const resolver = new CaseResolver({ service: serviceOptions(), clock });

      const resolution = await resolver.resolve(UNKNOWN_URI, 'Estimation');

      expect(resolution.source).toBe('fallback');
      expect(resolution.alignment).toEqual({
        type: 'Alignment',
        targetType: 'CFItem',
        targetUrl: UNKNOWN_URI,
        targetName: 'Estimation',
      });
      expect(resolution.warnings).toEqual([
        { code: 'unknown-item', uri: UNKNOWN_URI, message: 'the CASE service does not know this item' },
      ]);
    });

    it('remembers a 404 for the not-found TTL', async () => {
      const resolver = new CaseResolver({ service: serviceOptions({ notFoundTtlMs: 1000 }), clock });

      await resolver.resolve(UNKNOWN_URI, 'Estimation');
      const again = await resolver.resolve(UNKNOWN_URI, 'Estimation');
      now += 1000;
      await resolver.resolve(UNKNOWN_URI, 'Estimation');

      expect(again.warnings[0].code).toBe('unknown-item');
      expect(service.requests).toHaveLength(2);
    });

    it.each([
      ['http-500', 'service-error', 'CASE service: HTTP 500'],
      ['garbage', 'bad-response', 'CASE service: the body is not JSON'],
      [
        'wrong-shape',
        'bad-response',
        'CASE service: not a CFItem ($.identifier: must be a non-empty string)',
      ],
      ['huge', 'response-too-large', 'CASE service: the body exceeds 65536 bytes'],
      ['hang', 'service-timeout', 'CASE service: no answer within 300 ms'],
    ] as const)('falls back with a warning when the service answers %s', async (mode, code, message) => {
      const resolver = new CaseResolver({
        service: serviceOptions({ timeoutMs: 300, maxItemBytes: 65536 }),
        clock,
      });
      service.mode = mode;

      const resolution = await resolver.resolve(PLANE_URI, 'Plane figures');

      expect(resolution.source).toBe('fallback');
      expect(resolution.alignment).toEqual({
        type: 'Alignment',
        targetType: 'CFItem',
        targetUrl: PLANE_URI,
        targetName: 'Plane figures',
      });
      expect(resolution.warnings).toEqual([{ code, uri: PLANE_URI, message }]);
    });

    it('does not ask a failing service again until the backoff has passed', async () => {
      const resolver = new CaseResolver({ service: serviceOptions({ failureBackoffMs: 30_000 }), clock });
      service.mode = 'http-500';

      await resolver.resolve(PLANE_URI);
      now += 29_999;
      const during = await resolver.resolve(GEOMETRY_URI, 'Geometry');
      expect(service.requests).toHaveLength(1);
      expect(during.warnings[0]).toMatchObject({ code: 'service-error', uri: GEOMETRY_URI });
      expect(during.warnings[0].message).toContain('not retried until the failure backoff ends');

      service.mode = 'ok';
      now += 1;
      expect((await resolver.resolve(GEOMETRY_URI)).source).toBe('service');
      expect(service.requests).toHaveLength(2);
    });

    it('rejects a uri that is not an absolute URL without asking anyone', async () => {
      const resolver = new CaseResolver({ service: serviceOptions(), clock });

      const resolution = await resolver.resolve('CFItems/not a uri', 'Whatever');

      expect(resolution).toEqual({
        uri: 'CFItems/not a uri',
        source: 'invalid',
        warnings: [
          {
            code: 'invalid-uri',
            uri: 'CFItems/not a uri',
            message: 'the CASE item URI is not an absolute URL; no alignment',
          },
        ],
      });
      expect(service.requests).toEqual([]);
    });

    it('falls back with a warning when no package has the item and no service is configured', async () => {
      const resolver = new CaseResolver({ clock });

      const resolution = await resolver.resolve(UNKNOWN_URI, 'Estimation');

      expect(resolution.alignment?.targetName).toBe('Estimation');
      expect(resolution.warnings[0].code).toBe('unknown-item');
    });
  });

  describe('resolveMany', () => {
    it('resolves a learner batch once per distinct uri with bounded concurrency', async () => {
      const pkg = freshPackageJson();
      const uris: string[] = pkg.CFItems.map((item: { uri: string }) => item.uri);
      const resolver = new CaseResolver({ service: serviceOptions({ maxConcurrentRequests: 3 }), clock });

      const batch = await resolver.resolveMany([...uris, ...uris].map((uri) => ({ uri, name: 'n' })));

      expect(batch.warnings).toEqual([]);
      expect(batch.resolutions.map((resolution) => resolution.uri)).toEqual(uris);
      expect(batch.alignments.size).toBe(28);
      expect(service.requests).toHaveLength(28);
      expect(service.maxConcurrent).toBeLessThanOrEqual(3);
      expect(service.maxConcurrent).toBeGreaterThan(1);

      // The next learner's build is all cache hits.
      const next = await resolver.resolveMany(uris.slice(0, 5).map((uri) => ({ uri })));
      expect(next.resolutions.every((resolution) => resolution.source === 'cache')).toBe(true);
      expect(service.requests).toHaveLength(28);
    });

    it('loads configured service packages with one request and keeps fallbacks and invalid uris apart', async () => {
      const resolver = new CaseResolver({ service: serviceOptions({ packageIds: [PACKAGE_ID] }), clock });

      const batch = await resolver.resolveMany([
        { uri: GEOMETRY_URI, name: 'Geometry' },
        { uri: UNKNOWN_URI, name: 'Estimation' },
        { uri: 'not a uri', name: 'Broken' },
      ]);

      expect(service.requests).toEqual([
        `/ims/case/v1p0/CFPackages/${PACKAGE_ID}`,
        '/ims/case/v1p0/CFItems/00000000-0000-4000-8000-000000000000',
      ]);
      expect(batch.resolutions.map((resolution) => resolution.source)).toEqual([
        'cache',
        'fallback',
        'invalid',
      ]);
      expect(batch.alignments.get(GEOMETRY_URI)?.targetCode).toBe('H.A.MATH.GM');
      expect(batch.alignments.get(UNKNOWN_URI)?.targetName).toBe('Estimation');
      expect(batch.alignments.has('not a uri')).toBe(false);
      expect(batch.warnings.map((warning) => warning.code)).toEqual(['unknown-item', 'invalid-uri']);
    });

    it('reports a failed package refresh once and still resolves items one by one', async () => {
      const resolver = new CaseResolver({
        service: serviceOptions({ packageIds: ['11111111-1111-4111-8111-111111111111'] }),
        clock,
      });

      const batch = await resolver.resolveMany([{ uri: GEOMETRY_URI }]);

      expect(batch.warnings).toEqual([
        {
          code: 'unknown-item',
          uri: `${service.baseUrl}/ims/case/v1p0/CFPackages/11111111-1111-4111-8111-111111111111`,
          message: 'CASE package refresh: the service does not know this package',
        },
      ]);
      expect(batch.resolutions[0].source).toBe('service');
    });
  });
});
