import { TargetOperations } from '@app/publishing';
import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { CliIo } from '../cli-io';
import { noMoreArguments } from '../operations/option-parsers';
import { OperationOutput } from '../operations/operation-output';
import { withOperations } from '../operations/operations-context';
import { type TargetsOutputOptions, withParentOptions } from './target-output.options';
import { targetLine } from './targets.formatter';

async function switchTarget(
  io: CliIo,
  params: string[],
  enabled: boolean,
  options: TargetsOutputOptions,
): Promise<void> {
  const command = enabled ? 'targets enable' : 'targets disable';
  noMoreArguments(params, 1, command);
  const output = new OperationOutput(io, options.json === true);
  await withOperations(options.config, async ({ app, actor }) => {
    try {
      const target = await app.get(TargetOperations).setEnabled(params[0], enabled, actor);
      const note =
        target.origin === 'config'
          ? '\n(a configured target: the next worker start applies `enabled` from the configuration again)'
          : '';
      output.ok(target, `${targetLine(target)}${note}`);
    } catch (error) {
      output.failed(error);
    }
  });
}

/** `clr-publisher targets disable <name>`: new versions get no delivery for it. */
@SubCommand({ name: 'disable', arguments: '<name>', description: 'disable a target (by name)' })
export class TargetsDisableCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  run(params: string[], options: TargetsOutputOptions = {}): Promise<void> {
    return switchTarget(this.io, params, false, withParentOptions(this, options));
  }

  @Option({ flags: '--json', description: 'print the target as JSON' })
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

/** `clr-publisher targets enable <name>`. */
@SubCommand({ name: 'enable', arguments: '<name>', description: 'enable a target (by name)' })
export class TargetsEnableCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  run(params: string[], options: TargetsOutputOptions = {}): Promise<void> {
    return switchTarget(this.io, params, true, withParentOptions(this, options));
  }

  @Option({ flags: '--json', description: 'print the target as JSON' })
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
