/**
 * `SIS_CONFIG`: the configuration of a source does not fit the contract (found before any query).
 * `SIS_SCHEMA`: views or columns are missing in the database (found at start, before any run).
 * `SIS_UNAVAILABLE`: the database cannot be reached or timed out; worth retrying.
 * `SIS_QUERY`: a query failed for another reason.
 */
export type SisErrorCode = 'SIS_CONFIG' | 'SIS_SCHEMA' | 'SIS_UNAVAILABLE' | 'SIS_QUERY';

/**
 * A failure reading a SIS. Messages name sources, record sets, views and columns, never row
 * values: driver messages of data queries (which may quote a parameter, i.e. a student id) are
 * left out, their error code kept.
 */
export class SisError extends Error {
  override readonly name = 'SisError';

  constructor(
    readonly code: SisErrorCode,
    message: string,
    /** Every problem, one per line of the message, for the schema and config checks. */
    readonly problems: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** True for outages and timeouts: the same read may succeed later. */
  get retryable(): boolean {
    return this.code === 'SIS_UNAVAILABLE';
  }

  static listing(code: 'SIS_CONFIG' | 'SIS_SCHEMA', source: string, problems: readonly string[]): SisError {
    const what = code === 'SIS_CONFIG' ? 'configuration' : 'database';
    return new SisError(
      code,
      `SIS source "${source}": ${problems.length} problem${problems.length === 1 ? '' : 's'} in the ${what}\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
      problems,
    );
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ETIMEOUT',
  'ESOCKET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EPIPE',
  'ECONNCLOSED',
  'PROTOCOL_CONNECTION_LOST',
  '57P01', // admin shutdown
  '57P03', // cannot connect now
  '53300', // too many connections
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; number?: unknown; driverError?: unknown };
  if (typeof record.code === 'string') return record.code;
  if (typeof record.number === 'number') return String(record.number);
  if (record.driverError !== undefined) return errorCode(record.driverError);
  return undefined;
}

/** Wraps a driver error of a data query without its message (it may quote parameter values). */
export function sisQueryError(source: string, what: string, error: unknown): SisError {
  const code = errorCode(error);
  const network =
    code !== undefined && (NETWORK_CODES.has(code) || code.startsWith('08'))
      ? true
      : isConnectionError(error);
  return new SisError(
    network ? 'SIS_UNAVAILABLE' : 'SIS_QUERY',
    `SIS source "${source}": ${what} failed${code === undefined ? '' : ` (driver code ${code})`}`,
    [],
    { cause: error },
  );
}

function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'ConnectionError' || /timeout|connect/i.test(error.name);
}

/** First line of a driver message, for schema probes (which carry no row values). */
export function driverMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}
