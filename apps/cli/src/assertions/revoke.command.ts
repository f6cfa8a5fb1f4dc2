import { Command, CommandRunner, Option } from 'nest-commander';
import { CliUsageError } from '../cli.errors';
import { CliIo } from '../cli-io';
import { noMoreArguments, wholeNumber } from '../operations/option-parsers';
import { type AssertionChangeOptions, changeAssertion } from './assertion-change.runner';

/**
 * `clr-publisher revoke <assertion> --reason R`: the assertion goes on its issuer's revocation
 * list at once, stays revoked through later builds although its SIS record exists, and the
 * learner's CLR is republished without it.
 */
@Command({
  name: 'revoke',
  arguments: '<assertion>',
  description: "revoke an assertion (its URL or last segment) with a reason, and republish the learner's CLR",
})
export class RevokeCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: AssertionChangeOptions = {}): Promise<void> {
    noMoreArguments(params, 1, 'revoke');
    if (options.reason === undefined) throw new CliUsageError('--reason is required', 'revoke');
    await changeAssertion(this.io, 'revoke', params[0], options);
  }

  @Option({
    flags: '--reason <text>',
    description: 'why (kept in the ledger, on the revocation entry and in the audit log)',
  })
  parseReason(value: string): string {
    return value;
  }

  @Option({ flags: '--wait', description: 'wait for the republish run, showing progress' })
  parseWait(): boolean {
    return true;
  }

  @Option({ flags: '--timeout <seconds>', description: 'give up waiting after this long (default 3600)' })
  parseTimeout(value: string): number {
    return wholeNumber('--timeout', value, 1, 7 * 24 * 3600, 'revoke');
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
