import { Command, CommandRunner, Option } from 'nest-commander';
import { CliUsageError } from '../cli.errors';
import { type TargetsOutputOptions } from '../targets/target-output.options';
import { WalletsDisconnectCommand } from './wallets-disconnect.command';
import { WalletsListCommand } from './wallets-list.command';

/** `clr-publisher wallets list|disconnect`: learners' wallet connections (the admin API's wallet routes). */
@Command({
  name: 'wallets',
  description:
    "learners' wallet connections: list --learner ID | --learner-ref REF, disconnect <connection-id>",
  subCommands: [WalletsListCommand, WalletsDisconnectCommand],
})
export class WalletsCommand extends CommandRunner {
  run(params: string[], _options: TargetsOutputOptions = {}): Promise<void> {
    const names = this.command.commands.map((command) => command.name()).join(', ');
    return Promise.reject(
      new CliUsageError(
        params.length > 0
          ? `unknown wallets subcommand '${params[0]}' (${names})`
          : `give a wallets subcommand (${names})`,
        'wallets',
      ),
    );
  }

  @Option({ flags: '--json', description: 'print the result as JSON' })
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
