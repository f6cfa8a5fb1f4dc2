import { CliUsageError } from '../cli.errors';

/** A repeatable option's values, in order (`--learner A --learner B`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A whole number option within bounds, or exit 2 naming it. */
export function wholeNumber(flag: string, value: string, min: number, max: number, command: string): number {
  const number = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new CliUsageError(`${flag} must be a whole number from ${min} to ${max}`, command);
  }
  return number;
}

/** A positive number option (fractions allowed), or exit 2 naming it. */
export function positiveNumber(flag: string, value: string, command: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new CliUsageError(`${flag} must be a positive number`, command);
  }
  return number;
}

/** Refuses positional arguments a command does not take. */
export function noMoreArguments(params: readonly string[], allowed: number, command: string): void {
  if (params.length > allowed) throw new CliUsageError(`unexpected argument '${params[allowed]}'`, command);
}
