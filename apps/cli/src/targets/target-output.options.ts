import { type CommandRunner } from 'nest-commander';

/** Options every `targets` subcommand takes. */
export interface TargetsOutputOptions {
  json?: boolean;
  config?: string;
}

/**
 * A subcommand's options with those given before its name (`targets --config x.yaml list`):
 * commander hands options the parent `targets` declares to the parent, not to the subcommand.
 */
export function withParentOptions<T extends TargetsOutputOptions>(runner: CommandRunner, options: T): T {
  const parent = (runner as unknown as { command: { parent?: { opts(): TargetsOutputOptions } | null } })
    .command.parent;
  const inherited = parent?.opts() ?? {};
  return {
    ...options,
    ...(options.config === undefined && inherited.config !== undefined ? { config: inherited.config } : {}),
    ...(options.json === undefined && inherited.json === true ? { json: true } : {}),
  };
}
