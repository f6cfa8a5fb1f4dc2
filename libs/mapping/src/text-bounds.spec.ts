import { boundText, isAbsoluteUri, isEmailAddress, TEXT_LIMITS } from './text-bounds';

describe('boundText', () => {
  it('trims, drops control characters and treats blank as absent', () => {
    expect(boundText('  Calculus\u0000 I\u0007 ', 'name')).toEqual({ text: 'Calculus I', truncated: false });
    expect(boundText('line one\nline two', 'description')).toEqual({
      text: 'line one\nline two',
      truncated: false,
    });
    expect(boundText('   ', 'name')).toBeUndefined();
    expect(boundText(null, 'name')).toBeUndefined();
  });

  it('cuts text longer than its bound to the bound, ending in an ellipsis', () => {
    const bounded = boundText('x'.repeat(TEXT_LIMITS.code + 10), 'code');
    expect(bounded?.truncated).toBe(true);
    expect(Array.from(bounded?.text ?? '')).toHaveLength(TEXT_LIMITS.code);
    expect(bounded?.text.endsWith('…')).toBe(true);
  });

  it('counts characters, never splitting a surrogate pair', () => {
    const bounded = boundText('😀'.repeat(TEXT_LIMITS.code + 1), 'code');
    expect(bounded?.text).toBe(`${'😀'.repeat(TEXT_LIMITS.code - 1)}…`);
    expect(boundText('😀'.repeat(TEXT_LIMITS.code), 'code')?.truncated).toBe(false);
  });
});

describe('isEmailAddress / isAbsoluteUri', () => {
  it('accepts a mailbox and rejects what is not one', () => {
    expect(isEmailAddress('ada@example.edu')).toBe(true);
    expect(isEmailAddress('ada@localhost')).toBe(false);
    expect(isEmailAddress('ada example.edu')).toBe(false);
    expect(isEmailAddress(`${'a'.repeat(250)}@example.edu`)).toBe(false);
  });

  it('accepts absolute URIs of any scheme and rejects relative or spaced ones', () => {
    expect(isAbsoluteUri('https://case.example.edu/ims/case/v1p0/CFItems/x')).toBe(true);
    expect(isAbsoluteUri('urn:uuid:3d8cdec5-83d6-49b4-9300-91a824c59758')).toBe(true);
    expect(isAbsoluteUri('/CFItems/x')).toBe(false);
    expect(isAbsoluteUri('https://case.example.edu/a b')).toBe(false);
  });
});
