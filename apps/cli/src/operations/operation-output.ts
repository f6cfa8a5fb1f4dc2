import { OperationError, SyncRunConflictError, SyncRunError } from '@app/publishing';
import { type CliIo } from '../cli-io';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../cli.errors';

/**
 * What an operator command prints and exits with. With `--json` stdout holds exactly one JSON
 * document (the result, or `{ error: { code, message, details? } }`) so a script can parse it;
 * otherwise text, errors on stderr.
 *
 * Exit codes a cron wrapper can trust: 0 done; 1 the operation failed or was refused (not found,
 * conflict such as a run already active, nothing to do, a run that did not succeed); 2 the
 * command line, the configuration or the infrastructure (store, Redis) is at fault.
 */
export class OperationOutput {
  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
  ) {}

  /** The result: JSON, or the text. */
  ok(value: unknown, text: string, exitCode = EXIT_OK): void {
    this.io.out(this.json ? `${JSON.stringify(value, null, 2)}\n` : ensureNewline(text));
    this.io.exitCode = exitCode;
  }

  /** A warning for people (stderr; not part of the JSON). */
  warn(text: string): void {
    if (!this.json) this.io.err(`warning: ${ensureNewline(text)}`);
  }

  /**
   * Reports a refusal the operations explain (exit 1, or 2 for malformed input); rethrows
   * anything else for the runner (exit 2, "unexpected failure").
   */
  failed(error: unknown): void {
    const known = describe(error);
    if (known === undefined) throw error;
    if (this.json) {
      this.io.out(
        `${JSON.stringify({ error: { code: known.code, message: known.message, ...(known.details ? { details: known.details } : {}) } }, null, 2)}\n`,
      );
    } else {
      this.io.err(`error: ${known.message}\n`);
    }
    this.io.exitCode = known.exitCode;
  }
}

interface KnownFailure {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  exitCode: number;
}

function describe(error: unknown): KnownFailure | undefined {
  if (error instanceof OperationError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.details !== undefined ? { details: error.details } : {}),
      exitCode: error.kind === 'INVALID_INPUT' ? EXIT_USAGE : EXIT_INVALID,
    };
  }
  if (error instanceof SyncRunConflictError) {
    return {
      code: 'run_conflict',
      message: error.message,
      details: { source: error.source, activeRunId: error.activeRunId },
      exitCode: EXIT_INVALID,
    };
  }
  if (error instanceof SyncRunError) {
    const usage = error.code === 'UNKNOWN_SOURCE' || error.code === 'INVALID_REQUEST';
    const infrastructure = error.code === 'QUEUE_UNAVAILABLE';
    return {
      code: error.code.toLowerCase(),
      message: error.message,
      exitCode: usage || infrastructure ? EXIT_USAGE : EXIT_INVALID,
    };
  }
  return undefined;
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
