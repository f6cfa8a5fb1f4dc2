import { ClrIdFactory } from '@app/mapping';
import { DeliveryOperations, learnerRefOf } from '@app/publishing';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CliUsageError } from '../cli.errors';
import { CliIo } from '../cli-io';
import { noMoreArguments, wholeNumber } from '../operations/option-parsers';
import { OperationOutput } from '../operations/operation-output';
import { withOperations } from '../operations/operations-context';
import { deliveryListText, deliveryText } from './deliveries.formatter';

export interface DeliveriesOptions {
  status?: string;
  target?: string;
  learner?: string;
  learnerRef?: string;
  limit?: number;
  offset?: number;
  json?: boolean;
  config?: string;
}

/**
 * `clr-publisher deliveries [id]`: deliveries newest first, by status, target and learner (a SIS
 * id, turned into its ref here so it goes no further, or a ref), or one delivery with the
 * provider's last answer. Reads the store only. Exit 0; 1 unknown delivery or target; 2 usage.
 */
@Command({
  name: 'deliveries',
  arguments: '[id]',
  description: 'list CLR deliveries (by --status, --target, --learner), or show one',
})
export class DeliveriesCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: DeliveriesOptions = {}): Promise<void> {
    noMoreArguments(params, 1, 'deliveries');
    if (options.learner !== undefined && options.learnerRef !== undefined) {
      throw new CliUsageError('give --learner or --learner-ref, not both', 'deliveries');
    }
    const output = new OperationOutput(this.io, options.json === true);
    await withOperations(options.config, async ({ app, config }) => {
      const deliveries = app.get(DeliveryOperations);
      try {
        if (params[0] !== undefined) {
          const delivery = await deliveries.get(params[0]);
          output.ok(delivery, deliveryText(delivery));
          return;
        }
        const learnerRef =
          options.learner !== undefined
            ? learnerRefOf(
                new ClrIdFactory(config.publicBaseUrl, config.institution.idSecret),
                options.learner,
              )
            : options.learnerRef;
        const page = await deliveries.list({
          status: options.status,
          target: options.target,
          learnerRef,
          limit: options.limit,
          offset: options.offset,
        });
        output.ok(page, deliveryListText(page));
      } catch (error) {
        output.failed(error);
      }
    });
  }

  @Option({ flags: '--status <status>', description: 'only this status (several: dead,rejected)' })
  parseStatus(value: string): string {
    return value;
  }

  @Option({ flags: '--target <name>', description: "only this target's deliveries" })
  parseTarget(value: string): string {
    return value;
  }

  @Option({ flags: '--learner <id>', description: "only this learner's (SIS id; never sent anywhere)" })
  parseLearner(value: string): string {
    return value;
  }

  @Option({
    flags: '--learner-ref <ref>',
    description: "only this learner's (ref, as logs and problems show it)",
  })
  parseLearnerRef(value: string): string {
    return value;
  }

  @Option({ flags: '--limit <n>', description: 'deliveries per page (1-500, default 50)' })
  parseLimit(value: string): number {
    return wholeNumber('--limit', value, 1, 500, 'deliveries');
  }

  @Option({ flags: '--offset <n>', description: 'deliveries to skip' })
  parseOffset(value: string): number {
    return wholeNumber('--offset', value, 0, 2_147_483_647, 'deliveries');
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
