import { Command, CommandRunner, Option } from 'nest-commander';
import { CliUsageError } from '../cli.errors';
import { CliIo } from '../cli-io';
import { DEFAULT_DEMO_LEARNERS, DEFAULT_DEMO_SAMPLE, runDemo } from '../demo/demo-runner';

export interface DemoCommandOptions {
  learners?: number;
  sample?: number;
  keep?: boolean;
}

const MAX_DEMO_LEARNERS = 1_000_000;

/**
 * `clr-publisher demo [--learners N] [--sample N] [--keep]`: the whole publisher on this machine
 * (see {@link runDemo}). Exit 0 when every CLR was delivered and every sampled one verified, 1
 * when something failed, 2 when it cannot run (no Redis, bad options).
 */
@Command({
  name: 'demo',
  description:
    'generate a demo SIS, run a full sync with the api, worker and a stand-in provider, verify what was delivered',
})
export class DemoCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: DemoCommandOptions = {}): Promise<void> {
    if (params.length > 0) throw new CliUsageError(`unexpected argument '${params[0]}'`, 'demo');
    this.io.exitCode = await runDemo(
      {
        learners: options.learners ?? DEFAULT_DEMO_LEARNERS,
        sample: options.sample ?? DEFAULT_DEMO_SAMPLE,
        keep: options.keep === true,
        untilStopped: () =>
          new Promise<void>((resolve) => {
            process.once('SIGINT', () => resolve());
            process.once('SIGTERM', () => resolve());
          }),
      },
      { out: (line) => this.io.out(`${line}\n`), err: (line) => this.io.err(`${line}\n`) },
    );
  }

  @Option({
    flags: '-n, --learners <n>',
    description: `learners in the generated SIS (default ${DEFAULT_DEMO_LEARNERS})`,
  })
  parseLearners(value: string): number {
    return wholeNumber(value, '--learners', 1, MAX_DEMO_LEARNERS);
  }

  @Option({
    flags: '--sample <n>',
    description: `delivered CLRs to verify over HTTP (default ${DEFAULT_DEMO_SAMPLE})`,
  })
  parseSample(value: string): number {
    return wholeNumber(value, '--sample', 1, 100_000);
  }

  @Option({
    flags: '--keep',
    description: 'keep the api, worker and provider running after the summary, until Ctrl-C',
  })
  parseKeep(): boolean {
    return true;
  }
}

function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
    throw new CliUsageError(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`, 'demo');
  }
  return number;
}
