/** An error as it may appear in a log line: class, code, and the message only when it is known to be safe. */
export interface LoggedError {
  type: string;
  code?: string;
  message?: string;
  /** Stack frames without the message line. */
  stack?: string;
}

/**
 * Error classes of the publisher whose messages carry ids, codes, paths and field names only
 * (each documents that rule), and of the frameworks it uses whose messages are fixed texts.
 */
const SAFE_MESSAGE_ERRORS = new Set([
  'ApiError',
  'BundledSchemaError',
  'CasePackageFileError',
  'CfParseError',
  'ConfigError',
  'DeliveryError',
  'DeliveryPayloadError',
  'ImsxError',
  'KeyCipherError',
  'KeyMaterialError',
  'KeyResolutionError',
  'LimiterAbortedError',
  'MappingError',
  'OidcVerificationError',
  'PublicReadError',
  'RedisUnavailableError',
  'RunTriggerLockTimeout',
  'SigningError',
  'SisError',
  'StoreError',
  'SyncRunError',
  'SyncRunConflictError',
  'MaxRetriesPerRequestError',
]);

/*
 * Database drivers quote the offending values in their messages ("duplicate key value is
 * (123456)", "invalid input syntax ... \"jane@...\""), so their text never reaches a log: only
 * the class and the code do.
 */
const DRIVER_MARKERS = [
  'driverError',
  'sqlState',
  'sqlMessage',
  'detail',
  'originalError',
  'precedingErrors',
];

function isDriverError(error: Error): boolean {
  if (['QueryFailedError', 'RequestError', 'DatabaseError'].includes(error.name)) return true;
  return DRIVER_MARKERS.some((marker) => marker in error);
}

function codeOf(error: object): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

function hasSafeMessage(error: Error, code: string | undefined): boolean {
  if (isDriverError(error)) return false;
  if (SAFE_MESSAGE_ERRORS.has(error.name)) return true;
  // Nest's HttpExceptions; Node's system and jose's errors (ECONNREFUSED, ERR_JWT_EXPIRED ...).
  if (error.name.endsWith('Exception')) return true;
  return code !== undefined && /^(E[A-Z]+|ERR_[A-Z_]+)$/.test(code);
}

/**
 * The log form of anything thrown: `type` and `code` always; `message` only for errors known to
 * carry no personal data (the publisher's own, Nest's, Node's system errors) — an unknown error
 * (a bug's TypeError, a driver's complaint) may quote a row, so its text is left out; the stack
 * frames (without the message line) still say where it happened. `cause` is followed once.
 */
export function loggableError(error: unknown, depth = 0): LoggedError & { cause?: LoggedError } {
  if (!(error instanceof Error)) {
    // Already in log form (serializers may see a value twice): keep it.
    if (typeof error === 'object' && error !== null && typeof (error as LoggedError).type === 'string') {
      return error as LoggedError;
    }
    return { type: typeof error === 'object' && error !== null ? 'object' : typeof error };
  }
  const out: LoggedError & { cause?: LoggedError } = { type: error.name };
  const code = codeOf(error);
  if (code !== undefined) out.code = code;
  if (hasSafeMessage(error, code)) out.message = error.message;
  if (typeof error.stack === 'string') {
    const frames = error.stack
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .join('\n');
    if (frames !== '') out.stack = frames;
  }
  if (depth === 0 && error.cause !== undefined) out.cause = loggableError(error.cause, 1);
  return out;
}
