import { type ZodTypeAny } from 'zod';

/** What a schema refuses in `input`, as `path: message` lines (empty when it parses). */
export function schemaIssues(schema: ZodTypeAny, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}
