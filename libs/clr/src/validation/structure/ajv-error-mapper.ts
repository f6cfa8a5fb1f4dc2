import type { ErrorObject } from 'ajv';
import { appendPath, pointerToPath } from '../../json/json-path';
import type { Finding } from '../finding';

type SchemaNode = Record<string, unknown>;

const COMPACT_JWS_PATTERN = '^([A-Za-z0-9-_]{4,})\\.([-A-Za-z0-9-_]{4,})\\.([A-Za-z0-9-_]{4,})$';

const FORMAT_REASONS: Readonly<Record<string, string>> = {
  uri: 'must be an absolute URI',
  'date-time': 'must be an ISO 8601 date-time such as 2021-01-14T09:30:00Z',
  date: 'must be a date such as 2021-01-14',
  float: 'must be a finite number',
};

/**
 * Turns ajv errors into findings with a JSON path and a readable reason. An `anyOf`/`oneOf`
 * failure becomes one finding: the errors of the alternative that fits the value's type when
 * only one does (e.g. the array form of `@context`), otherwise one reason naming the allowed
 * alternatives (e.g. an extensible enumeration: the values or `ext:Name`). Reasons never quote
 * the offending value, since documents carry learner data.
 */
export function mapAjvErrors(errors: readonly ErrorObject[]): Finding[] {
  const composites = errors.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf');
  const outermost = composites.filter((c) => !composites.some((other) => other !== c && contains(other, c)));
  const consumed = new Set<ErrorObject>();
  const findings: Finding[] = [];
  for (const composite of outermost) {
    const children = errors.filter((error) => contains(composite, error));
    children.forEach((child) => consumed.add(child));
    findings.push(...resolveComposite(composite, children));
  }
  for (const error of errors) {
    if (consumed.has(error) || outermost.includes(error)) continue;
    findings.push(describe(error));
  }
  return dedupe(findings);
}

/** True when `inner` was raised inside the alternatives of `composite`, on the same value or below. */
function contains(composite: ErrorObject, inner: ErrorObject): boolean {
  return (
    inner !== composite &&
    inner.schemaPath.startsWith(`${composite.schemaPath}/`) &&
    (inner.instancePath === composite.instancePath ||
      inner.instancePath.startsWith(`${composite.instancePath}/`))
  );
}

function resolveComposite(composite: ErrorObject, children: ErrorObject[]): Finding[] {
  const path = pointerToPath(composite.instancePath);
  const alternatives = Array.isArray(composite.schema) ? (composite.schema as SchemaNode[]) : [];
  if (children.length === 0) {
    return [{ path, reason: 'matches more than one of the allowed alternatives', stage: 'structure' }];
  }
  const byBranch = new Map<number, ErrorObject[]>();
  for (const child of children) {
    const branch = Number(child.schemaPath.slice(composite.schemaPath.length + 1).split('/')[0]);
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), child]);
  }
  const fitting = [...byBranch.entries()].filter(
    ([, branchErrors]) =>
      !branchErrors.some(
        (error) => error.keyword === 'type' && error.instancePath === composite.instancePath,
      ),
  );
  if (fitting.length === 1) return mapAjvErrors(fitting[0][1]);
  const reason =
    fitting.length === 0
      ? `must be ${joinOr(unique(alternatives.map((alternative) => typeName(alternative.type))))} (found ${jsonTypeOf(composite.data)})`
      : `must be ${joinOr(describeAlternatives(fitting.map(([branch]) => alternatives[branch] ?? {})))}`;
  return [{ path, reason, stage: 'structure' }];
}

function describeAlternatives(alternatives: SchemaNode[]): string[] {
  const parts: string[] = [];
  const values = alternatives.flatMap((alternative) =>
    Array.isArray(alternative.enum) ? alternative.enum.map(String) : [],
  );
  if (values.length > 0) parts.push(`one of ${values.join(', ')}`);
  for (const alternative of alternatives) {
    if (typeof alternative.pattern !== 'string') continue;
    parts.push(
      alternative.pattern.includes('ext:')
        ? "an extension value of the form 'ext:Name'"
        : `a string matching ${alternative.pattern}`,
    );
  }
  return parts.length > 0 ? parts : ['one of the allowed alternatives'];
}

function describe(error: ErrorObject): Finding {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const finding = (at: string, reason: string): Finding => ({ path: at, reason, stage: 'structure' });
  switch (error.keyword) {
    case 'required':
      return finding(appendPath(path, String(params.missingProperty)), 'is required but missing');
    case 'additionalProperties': {
      const title = error.parentSchema?.title as unknown;
      const owner = typeof title === 'string' ? `a ${title}` : 'this object';
      return finding(appendPath(path, String(params.additionalProperty)), `is not a property of ${owner}`);
    }
    case 'type':
      return finding(path, `must be ${typeName(params.type)} (found ${jsonTypeOf(error.data)})`);
    case 'format':
      return finding(
        path,
        FORMAT_REASONS[String(params.format)] ?? `must be a valid ${String(params.format)}`,
      );
    case 'pattern':
      return finding(
        path,
        params.pattern === COMPACT_JWS_PATTERN
          ? 'must be a JWS compact serialization (three base64url parts joined by dots)'
          : `must match the pattern ${String(params.pattern)}`,
      );
    case 'enum':
      return finding(path, `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`);
    case 'minItems':
      return finding(path, `must have at least ${String(params.limit)} item(s)`);
    default:
      return finding(path, error.message ?? `fails the ${error.keyword} rule`);
  }
}

function typeName(type: unknown): string {
  const names = (Array.isArray(type) ? type : String(type).split(',')).map(String);
  return joinOr(
    names.map((name) => (name === 'null' ? 'null' : `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`)),
  );
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && Number.isInteger(value)) return 'an integer';
  return `a ${typeof value}`;
}

function joinOr(parts: string[]): string {
  return parts.length <= 1
    ? (parts[0] ?? '')
    : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.path}\u0000${finding.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
