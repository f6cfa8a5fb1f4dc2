import { LearnerBatcher } from './learner-batcher';

describe('LearnerBatcher', () => {
  it('fills batches of the size asked, in order, and flushes the rest', () => {
    const batcher = new LearnerBatcher(2);
    expect(batcher.add(['a', 'b', 'c'])).toEqual([['a', 'b']]);
    expect(batcher.add(['d', 'e'])).toEqual([['c', 'd']]);
    expect(batcher.flush()).toEqual([['e']]);
    expect(batcher.flush()).toEqual([]);
  });

  it('takes each id once, including ids batched before a retry', () => {
    const batcher = new LearnerBatcher(3, new Set(['x']));
    expect(batcher.add(['x', 'a', 'a', 'b'])).toEqual([]);
    expect(batcher.flush()).toEqual([['a', 'b']]);
    expect(batcher.has('x')).toBe(true);
    expect(batcher.add(['b', 'c'])).toEqual([]);
    expect(batcher.flush()).toEqual([['c']]);
  });

  it('refuses a batch size that is not a positive integer', () => {
    expect(() => new LearnerBatcher(0)).toThrow('batch size must be a positive integer, got 0');
    expect(() => new LearnerBatcher(1.5)).toThrow('got 1.5');
  });
});
