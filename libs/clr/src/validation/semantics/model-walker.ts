import { appendPath } from '../../json/json-path';
import { openApiComponentSchemas, type SchemaObject } from '../../schemas/openapi-components';

/** A JSON object found in a document, with the data type the model gives it. */
export interface ModelNode {
  /** The OpenAPI component, e.g. `AssertionDType`. */
  readonly dtype: string;
  /** The entity it describes: `Clr`, `Assertion`, `Profile` (also for EndorsementProfile) ... */
  readonly kind: string;
  /** JSON path of the object (built on first use: most nodes never need it). */
  readonly path: string;
  readonly value: Record<string, unknown>;
  readonly parent: ModelNode | undefined;
  /** The property of the parent that holds it (`assertions`, `issuer` ...). */
  readonly property: string | undefined;
}

class WalkedNode implements ModelNode {
  readonly kind: string;
  private cachedPath: string | undefined;

  constructor(
    readonly dtype: string,
    readonly value: Record<string, unknown>,
    readonly parent: WalkedNode | undefined,
    readonly property: string | undefined,
    private readonly index: number | undefined,
    private readonly rootPath: string,
  ) {
    this.kind = entityKind(dtype);
  }

  get path(): string {
    if (this.cachedPath === undefined) {
      if (!this.parent || this.property === undefined) {
        this.cachedPath = this.rootPath;
      } else {
        const holder = appendPath(this.parent.path, this.property);
        this.cachedPath = this.index === undefined ? holder : appendPath(holder, this.index);
      }
    }
    return this.cachedPath;
  }
}

interface DTypeShape {
  /** Property -> component of its object (or of its array items). */
  children: Map<string, string>;
  /** Properties with `format: date-time`. */
  dateTimes: string[];
}

const COMPONENT_REF = '#/components/schemas/';
let shapes: Map<string, DTypeShape> | undefined;

/** Which properties of each component hold nested objects and date-times, read from the OpenAPI. */
function modelShapes(): Map<string, DTypeShape> {
  if (shapes === undefined) {
    shapes = new Map();
    for (const [name, schema] of Object.entries(openApiComponentSchemas())) {
      const shape: DTypeShape = { children: new Map(), dateTimes: [] };
      const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
      for (const [property, definition] of Object.entries(properties)) {
        const ref = refOf(definition) ?? refOf(definition.items);
        if (ref) shape.children.set(property, ref);
        if (definition.format === 'date-time') shape.dateTimes.push(property);
      }
      shapes.set(name, shape);
    }
  }
  return shapes;
}

function refOf(schema: unknown): string | undefined {
  const ref = (schema as SchemaObject | undefined)?.$ref;
  return typeof ref === 'string' && ref.startsWith(COMPONENT_REF)
    ? ref.slice(COMPONENT_REF.length)
    : undefined;
}

/** The properties of a component that the model types as date-times. */
export function dateTimeProperties(dtype: string): readonly string[] {
  return modelShapes().get(dtype)?.dateTimes ?? [];
}

/** `Clr` for ClrDType and GetClrPayloadDType, `Profile` for Profile and EndorsementProfile ... */
export function entityKind(dtype: string): string {
  const base = dtype.replace(/^Get(.+)PayloadDType$/, '$1').replace(/DType$/, '');
  return base === 'EndorsementProfile' ? 'Profile' : base;
}

/**
 * Every object of a document that the model types, in document order, starting from `root` typed
 * as `rootDtype`. Values of the wrong JSON type are skipped (the structure stage reports them).
 */
export function walkModel(root: unknown, rootDtype: string, rootPath = '$'): ModelNode[] {
  const nodes: ModelNode[] = [];
  const all = modelShapes();
  type Pending = { value: unknown; dtype: string; parent?: WalkedNode; property?: string; index?: number };
  const pending: Pending[] = [{ value: root, dtype: rootDtype }];
  while (pending.length > 0) {
    const { value, dtype, parent, property, index } = pending.pop()!;
    if (!isObject(value)) continue;
    const node = new WalkedNode(dtype, value, parent, property, index, rootPath);
    nodes.push(node);
    const shape = all.get(dtype);
    if (!shape) continue;
    const next: Pending[] = [];
    for (const [child, childDtype] of shape.children) {
      const childValue = value[child];
      if (Array.isArray(childValue)) {
        childValue.forEach((item, i) =>
          next.push({ value: item, dtype: childDtype, parent: node, property: child, index: i }),
        );
      } else if (childValue !== undefined) {
        next.push({ value: childValue, dtype: childDtype, parent: node, property: child });
      }
    }
    // Reversed so that popping visits children in document order.
    for (let i = next.length - 1; i >= 0; i -= 1) pending.push(next[i]);
  }
  return nodes;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
