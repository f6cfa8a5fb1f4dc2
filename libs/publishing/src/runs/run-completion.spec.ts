import { isFinished, runCompletion } from './run-completion';

const plan = (extractStatus: 'pending' | 'running' | 'done', total: number, done: number, failed = 0) => ({
  extractStatus,
  batchesTotal: total,
  batchesDone: done,
  batchesFailed: failed,
});

describe('runCompletion', () => {
  it('waits while the extraction is still writing batches, even when every written batch is done', () => {
    expect(runCompletion(plan('running', 3, 3))).toEqual({ finish: false });
    expect(runCompletion(plan('pending', 0, 0))).toEqual({ finish: false });
  });

  it('waits while any batch is unsettled', () => {
    expect(runCompletion(plan('done', 3, 2))).toEqual({ finish: false });
    expect(runCompletion(plan('done', 3, 1, 1))).toEqual({ finish: false });
  });

  it('succeeds when the extraction is done and every batch is built, also with no batch at all', () => {
    expect(runCompletion(plan('done', 3, 3))).toEqual({ finish: true, status: 'succeeded' });
    expect(runCompletion(plan('done', 0, 0))).toEqual({ finish: true, status: 'succeeded' });
  });

  it('fails, saying how many batches, when a batch was given up', () => {
    expect(runCompletion(plan('done', 4, 3, 1))).toEqual({
      finish: true,
      status: 'failed',
      error: '1 of 4 build batch(es) failed after their retries',
    });
  });

  it('knows the final statuses', () => {
    expect(
      ['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => isFinished(s as never)),
    ).toEqual([false, false, true, true, true]);
  });
});
