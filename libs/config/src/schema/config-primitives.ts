import { CronTime } from 'cron';
import { z } from 'zod';

/*
 * Building blocks shared by the configuration sections. Values substituted from the environment
 * arrive as strings, so numbers and booleans accept their string spelling too.
 */

function numericString(value: unknown): unknown {
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value.trim());
  return value;
}

function booleanString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === 'yes' || text === '1') return true;
  if (text === 'false' || text === 'no' || text === '0') return false;
  return value;
}

/** An integer in [min, max]; accepts `"42"` from an environment variable. */
export function integer(min: number, max: number): z.ZodEffects<z.ZodNumber, number, unknown> {
  return z.preprocess(numericString, z.number().int().min(min).max(max));
}

/** A number in [min, max]; accepts `"2.5"` from an environment variable. */
export function decimal(min: number, max: number): z.ZodEffects<z.ZodNumber, number, unknown> {
  return z.preprocess(numericString, z.number().min(min).max(max));
}

/** A boolean; accepts `true/false`, `yes/no`, `1/0` as strings from an environment variable. */
export function flag(): z.ZodEffects<z.ZodBoolean, boolean, unknown> {
  return z.preprocess(booleanString, z.boolean());
}

export const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** An absolute http(s) URL without a trailing slash (ids and endpoints are appended to it). */
export const baseUrl = z
  .string()
  .trim()
  .refine((value) => isHttpUrl(value), 'must be an absolute http(s) URL')
  .refine((value) => !value.endsWith('/'), 'must not end with a slash');

/** An absolute http(s) URL. */
export const httpUrl = z
  .string()
  .trim()
  .refine((value) => isHttpUrl(value), 'must be an absolute http(s) URL');

export const email = z.string().trim().email('must be an email address');

/** A short identifier that appears in URLs, queue names and logs. */
export const slug = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/,
    'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit',
  );

/** A SQL identifier, optionally schema-qualified (`dbo.v_courses`); quoted by the driver when used. */
export const sqlIdentifier = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_$#@ -]*(\.[A-Za-z_][A-Za-z0-9_$#@ -]*)?$/,
    'must be a SQL identifier (letters, digits, "_", optionally "schema.name")',
  );

/** A column name as the SIS spells it. */
export const columnName = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_$#@ -]*$/, 'must be a column name (letters, digits, "_")');

/**
 * A cron expression with 5 fields (minute hour day month weekday) or 6 (seconds first), checked
 * by the scheduler's own parser (`cron`, behind @nestjs/schedule): a value it would refuse at
 * start (a minute of 99, a weekday of 8) is a configuration problem naming its key.
 */
export const cronExpression = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const fields = value.split(/\s+/);
    if (fields.length !== 5 && fields.length !== 6) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a cron expression with 5 or 6 fields (e.g. "0 2 * * *")',
      });
      return;
    }
    try {
      new CronTime(value, 'UTC');
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      ctx.addIssue({ code: 'custom', message: `is not a cron expression the scheduler accepts: ${reason}` });
    }
  });

/** An IANA time zone name (e.g. "America/Chicago"), as the runtime knows them. */
export const timeZone = z
  .string()
  .trim()
  .refine((value) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone name (e.g. "America/Chicago")');

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}
