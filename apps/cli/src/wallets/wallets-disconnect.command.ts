import { WalletOperations } from '@app/publishing';
import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { CliIo } from '../cli-io';
import { noMoreArguments } from '../operations/option-parsers';
import { OperationOutput } from '../operations/operation-output';
import { withOperations } from '../operations/operations-context';
import { type TargetsOutputOptions, withParentOptions } from '../targets/target-output.options';
import { walletText } from './wallets.formatter';

/**
 * `clr-publisher wallets disconnect <connection-id>`: deletes the connection's tokens; its
 * deliveries stop. Audited as `wallet.disconnect` by `cli:<OS user>`. Exit 0 done; 1 unknown
 * connection; 2 usage, configuration, store or Redis.
 */
@SubCommand({
  name: 'disconnect',
  arguments: '<connection-id>',
  description: 'disconnect a wallet connection (its tokens are deleted)',
})
export class WalletsDisconnectCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], given: TargetsOutputOptions = {}): Promise<void> {
    noMoreArguments(params, 1, 'wallets disconnect');
    const options = withParentOptions(this, given);
    const output = new OperationOutput(this.io, options.json === true);
    await withOperations(options.config, async ({ app, actor }) => {
      try {
        const connection = await app.get(WalletOperations).disconnect(params[0], actor);
        output.ok(connection, `disconnected\n${walletText(connection)}`);
      } catch (error) {
        output.failed(error);
      }
    });
  }

  @Option({ flags: '--json', description: 'print the connection as JSON' })
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
