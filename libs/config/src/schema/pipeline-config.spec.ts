import { pipelineSchema } from './pipeline-config.schema';
import { schemaIssues } from './schema-issues.test-kit';

const issues = (input: unknown): string[] => schemaIssues(pipelineSchema, input);

describe('pipeline configuration', () => {
  it('defaults to batches of 100, 2 builds and 4 learners at once, threads per core, heap growth 75%', () => {
    expect(pipelineSchema.parse({})).toEqual({
      batchSize: 100,
      extractConcurrency: 1,
      buildConcurrency: 2,
      learnerConcurrency: 4,
      signingThreads: 0,
      heapGrowthPercent: 75,
    });
  });

  it("takes heap growth from an environment string, and 0 for V8's own factor", () => {
    expect(pipelineSchema.parse({ heapGrowthPercent: '50' }).heapGrowthPercent).toBe(50);
    expect(pipelineSchema.parse({ heapGrowthPercent: 0 }).heapGrowthPercent).toBe(0);
  });

  it('refuses a heap growth that would collect without end, or is out of range, naming the key', () => {
    expect(issues({ heapGrowthPercent: 5 })).toEqual([
      "heapGrowthPercent: must be 0 (V8's own) or from 10 to 300: a heap allowed to grow less than 10% collects without end",
    ]);
    expect(issues({ heapGrowthPercent: 301 })).toEqual([
      'heapGrowthPercent: Number must be less than or equal to 300',
    ]);
    expect(issues({ heapGrowthPercent: 12.5 })).toEqual([
      'heapGrowthPercent: Expected integer, received float',
    ]);
  });
});
