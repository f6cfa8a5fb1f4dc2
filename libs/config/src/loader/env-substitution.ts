import { type ConfigIssue, formatConfigPath } from '../config.error';

/** Environment variables as the loader sees them (an explicit map in tests). */
export type Environment = Readonly<Record<string, string | undefined>>;

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of the parsed YAML tree (never in the
 * raw text, so a value cannot inject YAML). `$$` is a literal `$`. As in the shell, `:-` takes
 * the default when the variable is unset or empty; `${VAR}` with VAR set to "" gives "". An unset
 * variable without a default is an issue at that key's path (the key is then left out).
 */
export function substituteEnvironment(
  value: unknown,
  env: Environment,
  issues: ConfigIssue[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') return substituteString(value, env, issues, path);
  if (Array.isArray(value))
    return value.map((item, index) => substituteEnvironment(item, env, issues, [...path, index]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = substituteEnvironment(item, env, issues, [...path, key]);
    return out;
  }
  return value;
}

function substituteString(
  text: string,
  env: Environment,
  issues: ConfigIssue[],
  path: (string | number)[],
): unknown {
  let missing = false;
  const result = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$$' || name === undefined) return '$';
    const current = env[name];
    if (current !== undefined && current !== '') return current;
    if (fallback !== undefined) return fallback;
    if (current === '') return '';
    missing = true;
    issues.push({
      path: formatConfigPath(path),
      message: `environment variable ${name} is not set (and "\${${name}}" gives no default; use "\${${name}:-default}" for one)`,
    });
    return '';
  });
  return missing ? undefined : result;
}
