import { checkJsonValue } from './json-value-guard';

describe('checkJsonValue', () => {
  it('accepts plain JSON values, null-prototype objects and undefined properties', () => {
    expect(checkJsonValue({ a: [1, 'x', true, null, { b: 2.5 }], c: undefined })).toBeUndefined();
    expect(checkJsonValue(Object.assign(Object.create(null) as object, { a: 1 }))).toBeUndefined();
    // Shared (not cyclic) references are fine.
    const shared = { id: 'urn:x' };
    expect(checkJsonValue({ a: shared, b: [shared, shared] })).toBeUndefined();
  });

  it.each([
    [{ a: { b: Number.NaN } }, '$.a.b', 'finite'],
    [{ a: [Infinity] }, '$.a[0]', 'finite'],
    [{ issuedOn: new Date(0) }, '$.issuedOn', 'a Date object is not a JSON value'],
    [{ a: new Map() }, '$.a', 'a Map object is not a JSON value'],
    [{ a: 1n }, '$.a', 'a bigint is not a JSON value'],
    [{ a: () => 1 }, '$.a', 'a function is not a JSON value'],
    [{ a: [1, undefined] }, '$.a[1]', 'undefined is not a JSON value'],
    [undefined, '$', 'undefined is not a JSON value'],
    [JSON.parse('{"a": {"__proto__": 1}}'), '$.a.__proto__', '__proto__ is not allowed'],
  ])('refuses %p at %s', (value, path, reason) => {
    expect(checkJsonValue(value)).toEqual({ stage: 'input', path, reason: expect.stringContaining(reason) });
  });

  it('refuses cycles', () => {
    const list: unknown[] = [];
    list.push({ back: list });
    expect(checkJsonValue({ list })).toEqual({
      stage: 'input',
      path: '$.list[0].back',
      reason: 'the value contains itself (a cycle)',
    });
  });

  it('bounds depth and estimated size', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 65; i += 1) deep = [deep];
    expect(checkJsonValue(deep)?.reason).toBe('nesting is deeper than the limit of 64 levels');
    expect(checkJsonValue(deep, { maxDepth: 100 })).toBeUndefined();
    expect(checkJsonValue({ text: 'x'.repeat(2000) }, { maxBytes: 1000 })?.reason).toBe(
      'the document is larger than the limit of 1000 bytes when serialized',
    );
    expect(checkJsonValue({ text: 'x'.repeat(900) }, { maxBytes: 1000 })).toBeUndefined();
  });
});
