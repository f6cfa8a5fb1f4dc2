import { TargetOperations } from '@app/publishing';
import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { CliUsageError } from '../cli.errors';
import { CliIo } from '../cli-io';
import { collect, noMoreArguments, positiveNumber, wholeNumber } from '../operations/option-parsers';
import { OperationOutput } from '../operations/operation-output';
import { withOperations } from '../operations/operations-context';
import { type TargetsOutputOptions, withParentOptions } from './target-output.options';
import { targetLine } from './targets.formatter';

export interface TargetsAddOptions extends TargetsOutputOptions {
  name?: string;
  baseUrl?: string;
  scope?: string[];
  payload?: string;
  concurrency?: number;
  rate?: number;
  timeout?: number;
}

/**
 * `clr-publisher targets add <discovery-url> --name N`: a target added at run time (`origin:
 * runtime`): discovery checked, client registered (RFC 7591), enabled. Nothing is kept when a
 * step fails (exit 1 with the reason; 2 for a malformed URL or option).
 */
@SubCommand({
  name: 'add',
  arguments: '<discovery-url>',
  description: 'add a target by its discovery URL (dynamic registration); configuration syncs leave it alone',
})
export class TargetsAddCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], given: TargetsAddOptions = {}): Promise<void> {
    const options = withParentOptions(this, given);
    noMoreArguments(params, 1, 'targets add');
    if (options.name === undefined) throw new CliUsageError('--name is required', 'targets add');
    const output = new OperationOutput(this.io, options.json === true);
    await withOperations(options.config, async ({ app, actor }) => {
      try {
        const target = await app.get(TargetOperations).add(
          {
            name: options.name,
            discoveryUrl: params[0],
            ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
            ...(options.scope !== undefined ? { scopes: options.scope } : {}),
            ...(options.payload !== undefined ? { payload: options.payload } : {}),
            ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
            ...(options.rate !== undefined ? { ratePerSecond: options.rate } : {}),
            ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}),
          },
          actor,
        );
        output.ok(target, `added and registered\n${targetLine(target)}`);
      } catch (error) {
        output.failed(error);
      }
    });
  }

  @Option({ flags: '--name <name>', description: 'unique name (letters, digits, "-", "_")' })
  parseName(value: string): string {
    return value;
  }

  @Option({
    flags: '--base-url <url>',
    description: 'default: the discovery URL less /ims/clr/v1p0/discovery',
  })
  parseBaseUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--scope <uri>', description: 'OAuth scope (repeatable; default the CLR replace scope)' })
  parseScope(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({ flags: '--payload <form>', description: 'signedClr (default) or clr' })
  parsePayload(value: string): string {
    return value;
  }

  @Option({ flags: '--concurrency <n>', description: 'parallel deliveries per worker (default 4)' })
  parseConcurrency(value: string): number {
    return wholeNumber('--concurrency', value, 1, 256, 'targets add');
  }

  @Option({ flags: '--rate <per-second>', description: 'requests per second per worker (default 10)' })
  parseRate(value: string): number {
    return positiveNumber('--rate', value, 'targets add');
  }

  @Option({ flags: '--timeout <ms>', description: 'request timeout, ms (default 30000)' })
  parseTimeout(value: string): number {
    return wholeNumber('--timeout', value, 100, 600_000, 'targets add');
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
