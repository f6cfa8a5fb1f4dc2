import { runInNewContext } from 'node:vm';
import { loadUnsignedClr } from './signing.test-kit';
import { plainTreeCopy } from './plain-tree-copy';

describe('plainTreeCopy', () => {
  it('copies a JSON tree as structuredClone does: same keys in the same order, nothing shared', () => {
    const clr = loadUnsignedClr();
    const copy = plainTreeCopy(clr);
    expect(copy).toEqual(structuredClone(clr));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(clr));
    expect(copy).not.toBe(clr);
    expect(copy!.publisher).not.toBe(clr.publisher);
    expect(copy!.assertions![0]).not.toBe(clr.assertions![0]);
    copy!.publisher.name = 'changed';
    expect(clr.publisher.name).not.toBe('changed');
  });

  it('keeps undefined members, integer-like keys first, null-prototype objects and objects of another realm', () => {
    const input = {
      b: 1,
      2: 'two',
      a: undefined,
      nested: Object.assign(Object.create(null) as object, { x: [1, null] }),
    };
    const copy = plainTreeCopy(input)!;
    expect(Object.keys(copy)).toEqual(['2', 'b', 'a', 'nested']);
    expect('a' in copy).toBe(true);
    expect(copy.nested).toEqual({ x: [1, null] });
    const foreign = runInNewContext('({ list: [{ id: "x" }], n: 1 })') as object;
    expect(JSON.stringify(plainTreeCopy(foreign))).toBe('{"list":[{"id":"x"}],"n":1}');
  });

  it.each([
    [
      'an object reached twice',
      () => {
        const shared = { id: 'p' };
        return { a: shared, b: [shared] };
      },
    ],
    [
      'a cycle',
      () => {
        const node: Record<string, unknown> = { id: 'n' };
        node['self'] = node;
        return node;
      },
    ],
    ['a Date', () => ({ issuedOn: new Date(0) })],
    [
      'a class instance',
      () => ({
        value: new (class Point {
          x = 1;
        })(),
      }),
    ],
    ['a Map', () => ({ value: new Map() })],
    ['a function', () => ({ value: () => 1 })],
    ['a symbol value', () => ({ value: Symbol('s') })],
    ['an array hole', () => ({ list: [1, , 3] })], // eslint-disable-line no-sparse-arrays
    ['an own __proto__ key', () => JSON.parse('{"a":{"__proto__":{"x":1}}}') as object],
  ])('gives up (undefined) on %s, for structuredClone to copy', (_name, make) => {
    expect(plainTreeCopy(make())).toBeUndefined();
  });
});
