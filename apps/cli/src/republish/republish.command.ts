import { type RepublishRequest, RepublishOperations } from '@app/publishing';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CliUsageError, EXIT_INVALID, EXIT_OK } from '../cli.errors';
import { CliIo } from '../cli-io';
import { collect, noMoreArguments, wholeNumber } from '../operations/option-parsers';
import { OperationOutput } from '../operations/operation-output';
import { withOperations } from '../operations/operations-context';
import { followRun } from '../operations/run-waiter';
import { summaryText } from '../sync/sync-progress.formatter';

export interface RepublishOptions {
  learner?: string[];
  learnerRef?: string[];
  achievement?: string;
  all?: boolean;
  source?: string;
  wait?: boolean;
  timeout?: number;
  json?: boolean;
  config?: string;
}

/**
 * `clr-publisher republish`: rebuilds and re-signs chosen learners' CLRs now (a republish run,
 * forced) and delivers them: `--learner <SIS id>` (repeatable), `--learner-ref <ref>`
 * (repeatable), `--achievement <id>` (every holder) or `--all`. With `--wait`, follows the run
 * (progress bar on a terminal). Exit 0 queued (or succeeded, with --wait); 1 refused (a run of
 * the source is active, nobody to republish, unknown achievement) or the run did not succeed;
 * 2 usage, configuration or infrastructure.
 */
@Command({
  name: 'republish',
  description:
    "rebuild and re-sign learners' CLRs now: --learner ID..., --learner-ref REF..., --achievement ID or --all",
})
export class RepublishCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: RepublishOptions = {}): Promise<void> {
    noMoreArguments(params, 0, 'republish');
    const request = requestOf(options);
    const json = options.json === true;
    const output = new OperationOutput(this.io, json);
    await withOperations(options.config, async ({ app, actor }) => {
      let started;
      try {
        started = await app.get(RepublishOperations).republish(request, actor);
      } catch (error) {
        output.failed(error);
        return;
      }
      const { run } = started;
      const headline = `republish run ${run.id} queued: ${started.learners} learner(s) (${started.scope}, source ${run.source})`;
      if (started.otherSources > 0) {
        output.warn(
          `${started.otherSources} selected learner(s) were last published from another source and are left out`,
        );
      }
      if (options.wait !== true) {
        output.ok(started, headline);
        return;
      }
      if (!json) this.io.out(`${headline}\n`);
      const followed = await followRun(app, this.io, run.id, {
        json,
        timeoutSeconds: options.timeout ?? 3600,
      });
      if ('timedOut' in followed) {
        output.ok(
          { ...started, timedOut: followed.timedOut },
          `still running: ${followed.timedOut}`,
          EXIT_INVALID,
        );
        return;
      }
      output.ok(
        { ...started, run: followed.summary },
        summaryText(followed.summary),
        followed.summary.status === 'succeeded' ? EXIT_OK : EXIT_INVALID,
      );
    });
  }

  @Option({ flags: '--learner <id>', description: 'a SIS learner id (repeat for several)' })
  parseLearner(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({
    flags: '--learner-ref <ref>',
    description: 'a learner ref as problems and deliveries show it (repeatable)',
  })
  parseLearnerRef(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({
    flags: '--achievement <id>',
    description: 'every learner holding this achievement (URL or last segment)',
  })
  parseAchievement(value: string): string {
    return value;
  }

  @Option({ flags: '--all', description: 'every learner published so far' })
  parseAll(): boolean {
    return true;
  }

  @Option({ flags: '--source <name>', description: 'the SIS source (default: the first configured)' })
  parseSource(value: string): string {
    return value;
  }

  @Option({ flags: '--wait', description: 'wait for the run to finish, showing progress' })
  parseWait(): boolean {
    return true;
  }

  @Option({ flags: '--timeout <seconds>', description: 'give up waiting after this long (default 3600)' })
  parseTimeout(value: string): number {
    return wholeNumber('--timeout', value, 1, 7 * 24 * 3600, 'republish');
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

function requestOf(options: RepublishOptions): RepublishRequest {
  const given = [
    options.learner !== undefined ? '--learner' : undefined,
    options.learnerRef !== undefined ? '--learner-ref' : undefined,
    options.achievement !== undefined ? '--achievement' : undefined,
    options.all === true ? '--all' : undefined,
  ].filter((flag) => flag !== undefined);
  if (given.length !== 1) {
    throw new CliUsageError(
      given.length === 0
        ? 'say whom to republish: --learner ID (repeatable), --learner-ref REF (repeatable), --achievement ID or --all'
        : `give only one of ${given.join(', ')}`,
      'republish',
    );
  }
  const source = options.source !== undefined ? { source: options.source } : {};
  if (options.learner !== undefined) return { learnerIds: options.learner, ...source };
  if (options.learnerRef !== undefined) return { learnerRefs: options.learnerRef, ...source };
  if (options.achievement !== undefined) return { achievementId: options.achievement, ...source };
  return { all: true, ...source };
}
