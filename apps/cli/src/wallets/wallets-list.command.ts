import { ClrIdFactory } from '@app/mapping';
import { learnerRefOf, WalletOperations } from '@app/publishing';
import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { CliUsageError } from '../cli.errors';
import { CliIo } from '../cli-io';
import { noMoreArguments } from '../operations/option-parsers';
import { OperationOutput } from '../operations/operation-output';
import { withOperations } from '../operations/operations-context';
import { withParentOptions } from '../targets/target-output.options';
import { walletListText } from './wallets.formatter';

const LEARNER_REF = /^[0-9a-f]{32}$/;

export interface WalletsListOptions {
  learner?: string;
  learnerRef?: string;
  json?: boolean;
  config?: string;
}

/**
 * `clr-publisher wallets list --learner <id> | --learner-ref <ref>`: a learner's wallet
 * connections, newest first, without tokens. A SIS id is turned into its ref here so it goes no
 * further. Like `GET /admin/learners/{id}/wallets`, a learner without connections (or unknown) is
 * an empty list, exit 0; 2 for usage, configuration, store or Redis.
 */
@SubCommand({
  name: 'list',
  description: "a learner's wallet connections (--learner ID | --learner-ref REF)",
})
export class WalletsListCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], given: WalletsListOptions = {}): Promise<void> {
    noMoreArguments(params, 0, 'wallets list');
    const options = withParentOptions(this, given);
    if ((options.learner === undefined) === (options.learnerRef === undefined)) {
      throw new CliUsageError('give --learner or --learner-ref (one of them)', 'wallets list');
    }
    if (options.learnerRef !== undefined && !LEARNER_REF.test(options.learnerRef)) {
      throw new CliUsageError('--learner-ref must be 32 lowercase hex digits', 'wallets list');
    }
    if (options.learner !== undefined && options.learner.trim() === '') {
      throw new CliUsageError('--learner must not be empty', 'wallets list');
    }
    const output = new OperationOutput(this.io, options.json === true);
    await withOperations(options.config, async ({ app, config }) => {
      const learnerRef =
        options.learnerRef ??
        learnerRefOf(new ClrIdFactory(config.publicBaseUrl, config.institution.idSecret), options.learner!);
      try {
        const connections = await app.get(WalletOperations).listForLearner(learnerRef);
        output.ok(connections, walletListText(connections));
      } catch (error) {
        output.failed(error);
      }
    });
  }

  @Option({ flags: '--learner <id>', description: "this learner's (SIS id; never sent anywhere)" })
  parseLearner(value: string): string {
    return value;
  }

  @Option({
    flags: '--learner-ref <ref>',
    description: "this learner's (ref, as logs and deliveries show it)",
  })
  parseLearnerRef(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print the connections as JSON' })
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
