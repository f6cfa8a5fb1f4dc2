import { openApiToJsonSchema } from './openapi-json-schema';

describe('openApiToJsonSchema', () => {
  it('turns components into draft-04 definitions with titles and local references', () => {
    const schema = openApiToJsonSchema(
      {
        ThingDType: {
          type: 'object',
          example: { id: 'x' },
          properties: {
            example: { type: 'string' },
            part: { $ref: '#/components/schemas/PartDType' },
            parts: { type: 'array', items: { $ref: '#/components/schemas/PartDType' } },
          },
        },
        PartDType: { type: 'object', readOnly: true },
      },
      'urn:test',
    );
    expect(schema).toEqual({
      id: 'urn:test',
      definitions: {
        ThingDType: {
          title: 'Thing',
          type: 'object',
          // A property named like an OpenAPI keyword is kept.
          properties: {
            example: { type: 'string' },
            part: { $ref: '#/definitions/PartDType' },
            parts: { type: 'array', items: { $ref: '#/definitions/PartDType' } },
          },
        },
        PartDType: { title: 'Part', type: 'object' },
      },
    });
  });

  it('expresses nullable as a null type', () => {
    const { definitions } = openApiToJsonSchema(
      {
        ADType: {
          properties: {
            text: { type: 'string', nullable: true },
            choice: { type: 'string', enum: ['a'], nullable: true },
            ref: { $ref: '#/components/schemas/ADType', nullable: true },
          },
        },
      },
      'urn:test',
    ) as { definitions: Record<string, { properties: Record<string, unknown> }> };
    expect(definitions.ADType.properties).toEqual({
      text: { type: ['string', 'null'] },
      choice: { type: ['string', 'null'], enum: ['a', null] },
      ref: { anyOf: [{ $ref: '#/definitions/ADType' }, { type: 'null' }] },
    });
  });
});
