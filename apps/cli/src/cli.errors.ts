/** Exit statuses of every command: 0 done / valid, 1 checked and found invalid, 2 could not run. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/**
 * The command line itself is wrong (contradictory or malformed flags). Exit 2 with the message
 * and a pointer to the command's help.
 */
export class CliUsageError extends Error {
  constructor(
    message: string,
    /** The command the usage hint points at, e.g. `verify` or `keys generate`. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/**
 * Something outside the command line could not be used: a missing or unreadable file, an
 * unreachable URL, a directory that cannot be written. Exit 2 with the message.
 */
export class CliInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliInputError';
  }
}
