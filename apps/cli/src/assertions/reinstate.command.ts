import { Command, CommandRunner, Option } from 'nest-commander';
import { CliUsageError } from '../cli.errors';
import { CliIo } from '../cli-io';
import { noMoreArguments, wholeNumber } from '../operations/option-parsers';
import { type AssertionChangeOptions, changeAssertion } from './assertion-change.runner';

/**
 * `clr-publisher reinstate <assertion> --reason R`: takes back an operator's revocation: off every
 * revocation list at once, active in the ledger, and the learner's CLR republished with it.
 */
@Command({
  name: 'reinstate',
  arguments: '<assertion>',
  description: "take back an operator's revocation (with a reason), and republish the learner's CLR",
})
export class ReinstateCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: AssertionChangeOptions = {}): Promise<void> {
    noMoreArguments(params, 1, 'reinstate');
    if (options.reason === undefined) throw new CliUsageError('--reason is required', 'reinstate');
    await changeAssertion(this.io, 'reinstate', params[0], options);
  }

  @Option({ flags: '--reason <text>', description: 'why (kept in the audit log)' })
  parseReason(value: string): string {
    return value;
  }

  @Option({ flags: '--wait', description: 'wait for the republish run, showing progress' })
  parseWait(): boolean {
    return true;
  }

  @Option({ flags: '--timeout <seconds>', description: 'give up waiting after this long (default 3600)' })
  parseTimeout(value: string): number {
    return wholeNumber('--timeout', value, 1, 7 * 24 * 3600, 'reinstate');
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
