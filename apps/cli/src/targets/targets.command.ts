import { Command, CommandRunner, Option } from 'nest-commander';
import { CliUsageError } from '../cli.errors';
import { CliIo } from '../cli-io';
import { type TargetsOutputOptions } from './target-output.options';
import { TargetsAddCommand } from './targets-add.command';
import { listTargets, TargetsListCommand } from './targets-list.command';
import { TargetsDisableCommand, TargetsEnableCommand } from './targets-switch.command';

/**
 * `clr-publisher targets [list|add|disable|enable]`: the delivery targets; alone, it lists them.
 * Configured targets (`origin: config`) are synced from the configuration at worker start;
 * targets added here (`origin: runtime`) are left alone by that sync.
 */
@Command({
  name: 'targets',
  description:
    'delivery targets: list (default), add <discovery-url> --name N, disable <name>, enable <name>',
  subCommands: [TargetsListCommand, TargetsAddCommand, TargetsDisableCommand, TargetsEnableCommand],
})
export class TargetsCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: TargetsOutputOptions = {}): Promise<void> {
    if (params.length > 0) {
      const names = this.command.commands.map((command) => command.name()).join(', ');
      throw new CliUsageError(`unknown targets subcommand '${params[0]}' (${names})`, 'targets');
    }
    await listTargets(this.io, options);
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
