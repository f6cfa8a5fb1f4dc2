import { parseJsonDocument } from './parse-json-document';

const refused = (input: string | Uint8Array, limits?: { maxBytes?: number; maxDepth?: number }) => {
  const result = parseJsonDocument(input, limits);
  if (result.ok) throw new Error('expected the document to be refused');
  expect(result.findings).toHaveLength(1);
  expect(result.findings[0].stage).toBe('input');
  return result.findings[0];
};

describe('parseJsonDocument', () => {
  it('parses a JSON text or its UTF-8 bytes, ignoring a byte order mark', () => {
    const text = '{"a":[1,2.5e3,-0,true,false,null,"é\\u00e9\\n"],"b":{}}';
    expect(parseJsonDocument(text)).toEqual({ ok: true, value: JSON.parse(text) });
    expect(parseJsonDocument(Buffer.from(text, 'utf8'))).toEqual({ ok: true, value: JSON.parse(text) });
    expect(parseJsonDocument(`\ufeff${text}`)).toEqual({ ok: true, value: JSON.parse(text) });
    expect(parseJsonDocument(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({
      ok: true,
      value: JSON.parse(text),
    });
    expect(parseJsonDocument(' 42 ')).toEqual({ ok: true, value: 42 });
  });

  it('reports malformed JSON with line, column and path, never quoting the document', () => {
    const finding = refused('{\n  "learner": {\n    "name": "Jane Roe",\n  }\n}');
    expect(finding).toEqual({
      stage: 'input',
      path: '$.learner.name',
      reason: 'malformed JSON at line 4, column 3: expected a property name',
    });
    expect(refused('{"grades": ["A", "B" "C"]}')).toEqual(
      expect.objectContaining({
        path: '$.grades[1]',
        reason: expect.stringContaining("expected ',' or ']'"),
      }),
    );
    expect(refused('{"name": Jane}').reason).not.toContain('Jane');
  });

  it.each([
    ['', 'the document is empty'],
    ['   ', 'the document is empty'],
    ['{"a": 1', 'unexpected end'],
    ['{"a": "unterminated', 'unterminated string'],
    ['{"a": "bad \\x escape"}', 'invalid escape sequence'],
    ['{"a": "\\u12G4"}', 'invalid \\u escape'],
    ['{"a": "tab\there"}', 'control character in a string'],
    ['{"a": 01}', "expected ',' or '}'"],
    ['{"a": .5}', "unexpected character '.'"],
    ['{"a": tru}', 'unexpected character'],
    ['{"a": 1} {"b": 2}', 'unexpected content after the JSON value'],
    ["{'a': 1}", 'expected a property name'],
    ['{"a" 1}', "expected ':' after a property name"],
    ['[1,]', "unexpected character ']'"],
    ['{"a": NaN}', "unexpected character 'N'"],
  ])('refuses %j: %s', (text, reason) => {
    expect(refused(text).reason).toContain(reason);
  });

  it('refuses duplicate property names and __proto__, which JSON.parse would accept silently', () => {
    expect(refused('{"clr": {"id": "a", "id": "b"}}')).toEqual(
      expect.objectContaining({
        path: '$.clr.id',
        reason: 'this property appears more than once in the same object',
      }),
    );
    // Escapes are decoded before comparing: "\u0069d" is "id".
    expect(refused('{"id": "a", "\\u0069d": "b"}').path).toBe('$.id');
    expect(refused('{"a": {"__proto__": {"polluted": true}}}')).toEqual(
      expect.objectContaining({
        path: '$.a.__proto__',
        reason: 'the property name __proto__ is not allowed',
      }),
    );
    expect(parseJsonDocument('[{"id": 1}, {"id": 2}]').ok).toBe(true);
  });

  it('refuses a document above the size limit before reading it (default 8 MiB, configurable)', () => {
    const twentyMegabytes = `"${'x'.repeat(20 * 1024 * 1024)}"`;
    expect(refused(twentyMegabytes).reason).toBe('the document is 20 MiB, larger than the limit of 8 MiB');
    expect(refused(Buffer.alloc(9 * 1024 * 1024, 0x20)).reason).toContain('9 MiB');
    expect(refused('{"name": "abcdefghij"}', { maxBytes: 10 }).reason).toBe(
      'the document is 22 bytes, larger than the limit of 10 bytes',
    );
    // Multi-byte characters count in UTF-8 bytes.
    expect(refused('"éééé"', { maxBytes: 8 }).reason).toContain('10 bytes');
    expect(parseJsonDocument('"éé"', { maxBytes: 8 }).ok).toBe(true);
  });

  it('refuses nesting deeper than the limit (default 64) without overflowing the stack', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    expect(refused(deep)).toEqual({
      stage: 'input',
      path: `$${'[0]'.repeat(64)}`,
      reason: 'nesting is deeper than the limit of 64 levels',
    });
    expect(parseJsonDocument('['.repeat(64) + ']'.repeat(64)).ok).toBe(true);
    expect(refused('{"a": {"b": {}}}', { maxDepth: 2 }).path).toBe('$.a.b');
  });

  it('refuses bytes that are not UTF-8 and input that is not text', () => {
    expect(refused(Uint8Array.from([0x22, 0xc3, 0x28, 0x22])).reason).toBe('the document is not valid UTF-8');
    expect(refused(42 as unknown as string).reason).toBe('the document must be a string or UTF-8 bytes');
  });
});
