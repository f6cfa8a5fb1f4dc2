import { TargetOperations } from '@app/publishing';
import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { CliIo } from '../cli-io';
import { noMoreArguments } from '../operations/option-parsers';
import { OperationOutput } from '../operations/operation-output';
import { withOperations } from '../operations/operations-context';
import { type TargetsOutputOptions, withParentOptions } from './target-output.options';
import { targetListText } from './targets.formatter';

/** Lists the targets (what `targets` alone does too). */
export async function listTargets(io: CliIo, options: TargetsOutputOptions): Promise<void> {
  const output = new OperationOutput(io, options.json === true);
  await withOperations(options.config, async ({ app }) => {
    const targets = await app.get(TargetOperations).list();
    output.ok(targets, targetListText(targets));
  });
}

/** `clr-publisher targets list`: every target with origin (config/runtime), state and deliveries. */
@SubCommand({ name: 'list', description: 'list the delivery targets' })
export class TargetsListCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: TargetsOutputOptions = {}): Promise<void> {
    noMoreArguments(params, 0, 'targets list');
    await listTargets(this.io, withParentOptions(this, options));
  }

  @Option({ flags: '--json', description: 'print the targets as JSON' })
  parseJson(): boolean {
    return true;
  }

  @Option({
    flags: '--config <file>',
    description: 'configuration file (default: CLR_CONFIG, else config/default.yaml)',
  })
  parseConfig(value: string): string {
    return value;
  }
}
