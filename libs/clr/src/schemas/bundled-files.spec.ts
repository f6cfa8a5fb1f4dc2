import { CLR_CONTEXT_URL, OPEN_BADGES_V2_CONTEXT_URL } from '../model/constants';
import { isBundledContext, loadBundledContext } from './bundled-contexts';
import { openApiComponentSchemas } from './openapi-components';

describe('bundled contexts', () => {
  it('serves the CLR 1.0 and Open Badges 2.0 contexts from schemas/context', () => {
    const clr = loadBundledContext(CLR_CONTEXT_URL) as { '@context': Record<string, unknown> };
    expect(clr['@context'].clri).toBe('https://purl.imsglobal.org/spec/clr/vocab#');
    const openBadges = loadBundledContext(OPEN_BADGES_V2_CONTEXT_URL) as { '@context': Record<string, unknown> };
    expect(openBadges['@context'].obi).toBe('https://w3id.org/openbadges#');
    expect(loadBundledContext(CLR_CONTEXT_URL)).toBe(clr);
  });

  it('knows no other context', () => {
    expect(isBundledContext('https://www.w3.org/2018/credentials/v1')).toBe(false);
    expect(loadBundledContext('https://example.org/context.jsonld')).toBeUndefined();
    expect(isBundledContext('constructor')).toBe(false);
  });
});

describe('OpenAPI components', () => {
  it('reads the final CLR 1.0 data model from the bundled OpenAPI document', () => {
    const components = openApiComponentSchemas();
    expect(Object.keys(components)).toEqual(
      expect.arrayContaining(['ClrDType', 'PostClrPayloadDType', 'AssertionDType', 'imsx_StatusInfoDType']),
    );
    // Final model, not the 2020 candidate: activityStartDate exists, Profile requires only id.
    expect(components.AssertionDType.properties).toHaveProperty('activityStartDate');
    expect(components.ProfileDType.required).toEqual(['id']);
    expect(openApiComponentSchemas()).toBe(components);
  });
});
