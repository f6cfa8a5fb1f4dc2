import { type AppConfig } from '@app/config';
import {
  type RunSummary,
  SyncRunConflictError,
  SyncRunError,
  SyncRunService,
  PublishingModule,
} from '@app/publishing';
import { PublisherStore } from '@app/store';
import { startWorker } from '@app/worker';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, CommandRunner, Option } from 'nest-commander';
import { loadCliConfig } from '../cli-config';
import { CliUsageError, EXIT_INVALID, EXIT_OK } from '../cli.errors';
import { CliIo } from '../cli-io';
import { cliActor } from '../operations/operations-context';
import { followRun } from '../operations/run-waiter';
import { summaryText } from './sync-progress.formatter';

export interface SyncOptions {
  source?: string;
  full?: boolean;
  force?: boolean;
  wait?: boolean;
  inline?: boolean;
  json?: boolean;
  config?: string;
  timeout?: number;
}

/**
 * `clr-publisher sync`: triggers a run (incremental by default, `--full` for all learners) and,
 * with `--wait`, follows it to the end. The work is done by running workers; `--inline` runs the
 * worker's consumers in this process instead (small installs, the demo), applying pending store
 * migrations first. While waiting, progress is a bar on a terminal, plain lines otherwise. Exit 0
 * when the run succeeded (or was started, without waiting), 1 when it failed, was cancelled, is
 * still running when `--timeout` ends the wait, or another run of the source is active, 2 for
 * usage, configuration or infrastructure errors.
 */
@Command({
  name: 'sync',
  description: 'start a sync run of a SIS source (incremental, or --full) and optionally wait for it',
})
export class SyncCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: SyncOptions = {}): Promise<void> {
    if (params.length > 0) throw new CliUsageError(`unexpected argument '${params[0]}'`, 'sync');
    const config = loadCliConfig(options.config);
    const wait = options.wait === true || options.inline === true;
    const app = await this.open(config, options.inline === true);
    try {
      const runs = app.get(SyncRunService);
      let runId: string;
      try {
        const actor = cliActor();
        const run = await runs.trigger({
          source: options.source,
          mode: options.full === true ? 'full' : 'incremental',
          trigger: 'cli',
          requestedBy: actor,
          force: options.force === true,
        });
        runId = run.id;
        // As `runs` and the api's POST /admin/runs record it.
        await app.get(PublisherStore).audit.append({
          actor,
          action: 'run.start',
          subject: run.id,
          details: { source: run.source, mode: run.mode, force: options.force === true, via: 'cli' },
        });
      } catch (error) {
        if (error instanceof SyncRunConflictError) {
          this.report({ error: error.message, activeRunId: error.activeRunId }, options, error.message);
          this.io.exitCode = EXIT_INVALID;
          return;
        }
        if (error instanceof SyncRunError && error.code === 'UNKNOWN_SOURCE') {
          throw new CliUsageError(error.message, 'sync');
        }
        throw error;
      }
      if (!wait) {
        this.report({ runId, status: 'queued' }, options, `run ${runId} queued\n`);
        this.io.exitCode = EXIT_OK;
        return;
      }
      if (options.json !== true) this.io.out(`run ${runId} started\n`);
      const followed = await followRun(app, this.io, runId, {
        json: options.json === true,
        timeoutSeconds: options.timeout ?? 3600,
      });
      if ('timedOut' in followed) {
        // The run goes on; the caller did not get the result it waited for.
        this.report(
          { runId, status: 'running', timedOut: followed.timedOut },
          options,
          `still running: ${followed.timedOut}`,
        );
        this.io.exitCode = EXIT_INVALID;
        return;
      }
      this.finish(followed.summary, options);
    } finally {
      await app.close();
    }
  }

  private async open(config: AppConfig, inline: boolean): Promise<INestApplicationContext> {
    if (inline) return (await startWorker({ config, migrations: 'apply', logger: ['error'] })).app;
    return NestFactory.createApplicationContext(PublishingModule.forApp(config), { logger: ['error'] });
  }

  private finish(summary: RunSummary, options: SyncOptions): void {
    this.report(summary, options, summaryText(summary));
    this.io.exitCode = summary.status === 'succeeded' ? EXIT_OK : EXIT_INVALID;
  }

  private report(value: object, options: SyncOptions, text: string): void {
    if (options.json === true) this.io.out(`${JSON.stringify(value, null, 2)}\n`);
    else this.io.out(text.endsWith('\n') ? text : `${text}\n`);
  }

  @Option({ flags: '--source <name>', description: 'the SIS source (default: the first configured)' })
  parseSource(value: string): string {
    return value;
  }

  @Option({
    flags: '--full',
    description: 'every learner, and revoke what the SIS deleted (default: incremental)',
  })
  parseFull(): boolean {
    return true;
  }

  @Option({ flags: '--force', description: 'sign and store new versions even where nothing changed' })
  parseForce(): boolean {
    return true;
  }

  @Option({ flags: '--wait', description: 'wait for the run to finish, printing progress' })
  parseWait(): boolean {
    return true;
  }

  @Option({
    flags: '--inline',
    description: 'run the workers in this process (implies --wait; applies pending store migrations)',
  })
  parseInline(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print the run summary as JSON' })
  parseJson(): boolean {
    return true;
  }

  @Option({ flags: '--timeout <seconds>', description: 'give up waiting after this long (default 3600)' })
  parseTimeout(value: string): number {
    const seconds = Number(value);
    if (!Number.isInteger(seconds) || seconds < 1) {
      throw new CliUsageError('--timeout must be a whole number of seconds (at least 1)', 'sync');
    }
    return seconds;
  }

  @Option({
    flags: '--config <file>',
    description: 'configuration file (default: CLR_CONFIG, else config/default.yaml)',
  })
  parseConfig(value: string): string {
    return value;
  }
}
