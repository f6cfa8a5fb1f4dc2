import { Module } from '@nestjs/common';
import { runInProcess } from '../cli.test-kit';
import { DemoCommand } from './demo.command';

@Module({ providers: [DemoCommand] })
class DemoOnlyModule {}

describe('demo command line', () => {
  it('documents its options', async () => {
    const run = await runInProcess(DemoOnlyModule, ['demo', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('-n, --learners <n>');
    expect(run.stdout).toContain('--sample <n>');
    expect(run.stdout).toContain('--keep');
  });

  it('refuses a learner count or sample that is not a whole number in range, exit 2, before doing anything', async () => {
    for (const [args, message] of [
      [['--learners', '20k'], '--learners must be a whole number from 1 to 1000000, not "20k"'],
      [['--learners', '0'], '--learners must be a whole number from 1 to 1000000, not "0"'],
      [['--sample', '-1'], '--sample must be a whole number from 1 to 100000, not "-1"'],
    ] as const) {
      const run = await runInProcess(DemoOnlyModule, ['demo', ...args]);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toContain(`error: ${message}`);
      expect(run.stderr).toContain("Run 'clr-publisher demo --help' for usage.");
    }
  });

  it('refuses an argument it does not take', async () => {
    const run = await runInProcess(DemoOnlyModule, ['demo', 'now']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: unexpected argument 'now'");
  });
});
