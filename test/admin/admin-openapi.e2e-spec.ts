/** The OpenAPI document at /admin/docs describes every operator route with its schemas. */
import { describeWithService } from '@app/testing';
import request from 'supertest';
import { type AdminHarness, startAdminHarness } from './admin-harness';

interface Operation {
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<
    string,
    { content?: Record<string, { schema: { $ref?: string; type?: string; items?: { $ref?: string } } }> }
  >;
}

describeWithService('redis', 'admin API: OpenAPI document (e2e)', () => {
  let h: AdminHarness;
  let paths: Record<string, Record<string, Operation>>;
  let schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;

  beforeAll(async () => {
    h = await startAdminHarness('openapi');
    const res = await request(h.server).get('/admin/docs/openapi.json');
    expect(res.status).toBe(200);
    const document = res.body as { paths: typeof paths; components: { schemas: typeof schemas } };
    paths = document.paths;
    schemas = document.components.schemas;
  }, 60_000);

  afterAll(() => h?.close());

  const ROUTES: [string, string, string, string | undefined, string][] = [
    ['post', '/admin/runs', '202', 'StartRunDto', 'RunDto'],
    ['get', '/admin/runs', '200', undefined, 'RunPageDto'],
    ['get', '/admin/runs/{id}', '200', undefined, 'RunDetailDto'],
    ['post', '/admin/republish', '202', 'RepublishDto', 'RepublishResultDto'],
    ['get', '/admin/assertions/{assertion}', '200', undefined, 'AssertionDto'],
    ['post', '/admin/assertions/{assertion}/revoke', '200', 'AssertionReasonDto', 'AssertionChangeDto'],
    ['post', '/admin/assertions/{assertion}/reinstate', '200', 'AssertionReasonDto', 'AssertionChangeDto'],
    ['get', '/admin/deliveries', '200', undefined, 'DeliveryPageDto'],
    ['get', '/admin/deliveries/{id}', '200', undefined, 'DeliveryDetailDto'],
    ['post', '/admin/deliveries/{id}/retry', '202', undefined, 'DeliveryDto'],
    ['post', '/admin/deliveries/retry-dead', '202', 'RetryDeadDto', 'RetryDeadResultDto'],
    ['get', '/admin/targets', '200', undefined, 'TargetDto'],
    ['post', '/admin/targets', '201', 'AddTargetDto', 'TargetDto'],
    ['post', '/admin/targets/{name}/disable', '200', undefined, 'TargetDto'],
    ['post', '/admin/targets/{name}/enable', '200', undefined, 'TargetDto'],
    ['get', '/admin/keys', '200', undefined, 'SigningKeyDto'],
    ['post', '/admin/keys/rotate', '201', undefined, 'RotatedKeyDto'],
  ];

  it.each(ROUTES)(
    '%s %s: bearer auth, request and response schemas',
    (method, path, status, body, response) => {
      const operation = paths[path]?.[method];
      expect(operation).toBeDefined();
      expect(operation.security).toEqual([{ admin: [] }]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining([status, '401', '403', '503']));
      const schema = operation.responses[status].content?.['application/json'].schema;
      expect(schema?.$ref ?? schema?.items?.$ref).toBe(`#/components/schemas/${response}`);
      if (body !== undefined) {
        expect(operation.requestBody?.content['application/json'].schema.$ref).toBe(
          `#/components/schemas/${body}`,
        );
      }
      if (method === 'post' && path !== '/admin/keys/rotate') {
        const errors = Object.keys(operation.responses).filter((code) => /^4(00|04|09|22)$/.test(code));
        expect(errors.length).toBeGreaterThan(0);
        for (const code of errors) {
          expect(operation.responses[code].content?.['application/json'].schema.$ref).toBe(
            '#/components/schemas/AdminErrorDto',
          );
        }
      }
    },
  );

  it('spells out the request fields an operator fills in', () => {
    expect(Object.keys(schemas.StartRunDto.properties ?? {})).toEqual(['source', 'mode', 'force']);
    expect(schemas.StartRunDto.required).toEqual(['mode']);
    expect(Object.keys(schemas.RepublishDto.properties ?? {})).toEqual([
      'learnerIds',
      'learnerRefs',
      'achievementId',
      'all',
      'source',
    ]);
    expect(schemas.AssertionReasonDto.required).toEqual(['reason']);
    expect(schemas.AddTargetDto.required).toEqual(['name', 'discoveryUrl']);
    expect(Object.keys(schemas.AdminErrorDto.properties ?? {})).toEqual(['error', 'requestId']);
  });
});
