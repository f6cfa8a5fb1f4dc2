import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import { LOG_REDACT_PATHS, REDACTED } from './log-redaction';
import { loggableError } from './safe-error';

/** Levels of the configuration's `logging.level`. */
export type LogLevel = Level | 'silent';

export interface CreateLoggerOptions {
  /** From the configuration's `logging.level`. */
  level: LogLevel;
  /** `api`, `worker`, `cli`...: every line carries it as `service`. */
  service: string;
  /** Where lines go; default stdout. Tests pass a stream to read them. */
  destination?: DestinationStream;
}

/**
 * The publisher's JSON logger (pino): one line per event, ISO timestamps, `service` on every
 * line, secrets and bodies redacted, errors through {@link loggableError}.
 *
 * The rule for everything logged through it: **ids only** — run id, batch id, delivery id,
 * target name, learner ref (the HMAC hash), key id. Never a name, an email, a grade, a student
 * id, a request or response body, an Authorization header or a token.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const settings: LoggerOptions = {
    level: options.level,
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: [...LOG_REDACT_PATHS], censor: REDACTED },
    serializers: { err: loggableError, error: loggableError },
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
