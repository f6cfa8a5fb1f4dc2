import { DeliveryOperations } from '@app/publishing';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CliUsageError } from '../cli.errors';
import { CliIo } from '../cli-io';
import { noMoreArguments } from '../operations/option-parsers';
import { OperationOutput } from '../operations/operation-output';
import { withOperations } from '../operations/operations-context';
import { deliveryText, retryDeadText } from './deliveries.formatter';

export interface RetryOptions {
  allDead?: boolean;
  target?: string;
  json?: boolean;
  config?: string;
}

/**
 * `clr-publisher retry <delivery-id> | --all-dead [--target NAME]`: a dead or rejected delivery
 * (or every dead one) back to pending and queued for the workers. Exit 0 done; 1 refused
 * (unknown, not dead/rejected, target disabled); 2 usage, configuration, store or Redis.
 */
@Command({
  name: 'retry',
  arguments: '[delivery-id]',
  description: 'send a dead or rejected delivery again, or every dead one (--all-dead [--target NAME])',
})
export class RetryCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: RetryOptions = {}): Promise<void> {
    noMoreArguments(params, 1, 'retry');
    const id = params[0];
    if ((id === undefined) === (options.allDead !== true)) {
      throw new CliUsageError('give a delivery id or --all-dead (not both)', 'retry');
    }
    if (options.target !== undefined && options.allDead !== true) {
      throw new CliUsageError('--target goes with --all-dead', 'retry');
    }
    const output = new OperationOutput(this.io, options.json === true);
    await withOperations(options.config, async ({ app, actor }) => {
      const deliveries = app.get(DeliveryOperations);
      try {
        if (id !== undefined) {
          const delivery = await deliveries.retry(id, actor);
          output.ok(delivery, `requeued\n${deliveryText(delivery)}`);
        } else {
          const result = await deliveries.retryDead(
            { ...(options.target !== undefined ? { target: options.target } : {}) },
            actor,
          );
          output.ok(result, retryDeadText(result));
        }
      } catch (error) {
        output.failed(error);
      }
    });
  }

  @Option({ flags: '--all-dead', description: 'every dead delivery (disabled targets excepted)' })
  parseAllDead(): boolean {
    return true;
  }

  @Option({ flags: '--target <name>', description: "with --all-dead: only this target's" })
  parseTarget(value: string): string {
    return value;
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
