import { caseSchema } from '@app/config';
import { caseModuleOptionsFromConfig } from './case-config';

describe('caseModuleOptionsFromConfig', () => {
  it('passes the package files and converts the API cache TTL to milliseconds', () => {
    const config = caseSchema.parse({
      packages: ['/srv/case/math.json'],
      api: { baseUrl: 'https://case.example.edu', cacheTtlSeconds: 600 },
    });
    expect(caseModuleOptionsFromConfig(config)).toEqual({
      packageFiles: ['/srv/case/math.json'],
      service: { baseUrl: 'https://case.example.edu', timeoutMs: 10_000, cacheTtlMs: 600_000 },
    });
  });

  it('has no service without an api section', () => {
    expect(caseModuleOptionsFromConfig(caseSchema.parse({}))).toEqual({ packageFiles: [] });
  });
});
