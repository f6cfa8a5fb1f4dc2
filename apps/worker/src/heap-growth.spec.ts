import { heapGrowthFlag } from './heap-growth';

describe('heapGrowthFlag', () => {
  it("gives V8's --heap-growing-percent for a percent, nothing for 0 (V8's own factor)", () => {
    expect(heapGrowthFlag(100)).toBe('--heap-growing-percent=100');
    expect(heapGrowthFlag(10)).toBe('--heap-growing-percent=10');
    expect(heapGrowthFlag(0)).toBeUndefined();
  });

  it('refuses what is not a whole percent (it would reach V8 as a malformed flag)', () => {
    expect(() => heapGrowthFlag(-1)).toThrow('heap growth must be a whole percent, not -1');
    expect(() => heapGrowthFlag(1.5)).toThrow('not 1.5');
    expect(() => heapGrowthFlag(Number.NaN)).toThrow('not NaN');
  });
});
