import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, formatBytes, resolveLimits } from './document-limits';

describe('document limits', () => {
  it('defaults to 8 MiB and 64 levels, ignoring unusable values', () => {
    expect(resolveLimits()).toEqual({ maxBytes: 8 * 1024 * 1024, maxDepth: 64 });
    expect(resolveLimits({ maxBytes: 100, maxDepth: 5 })).toEqual({ maxBytes: 100, maxDepth: 5 });
    expect(resolveLimits({ maxBytes: -1, maxDepth: 2.5 })).toEqual({
      maxBytes: DEFAULT_MAX_BYTES,
      maxDepth: DEFAULT_MAX_DEPTH,
    });
  });

  it('formats sizes for findings', () => {
    expect(formatBytes(300)).toBe('300 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(8 * 1024 * 1024)).toBe('8 MiB');
  });
});
