import { spreadSample } from './sample-verification';

describe('spreadSample', () => {
  it('takes items spread evenly from first to last, in order', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    expect(spreadSample(items, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(spreadSample(items, 3)).toEqual([0, 3, 6]);
    expect(spreadSample(items, 1)).toEqual([0]);
  });

  it('takes everything when asked for as many or more, and nothing for zero', () => {
    expect(spreadSample([1, 2, 3], 3)).toEqual([1, 2, 3]);
    expect(spreadSample([1, 2, 3], 10)).toEqual([1, 2, 3]);
    expect(spreadSample([1, 2, 3], 0)).toEqual([]);
    expect(spreadSample([], 4)).toEqual([]);
  });
});
