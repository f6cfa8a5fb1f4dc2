import { readFileSync } from 'node:fs';
import { type Document, LineCounter, parseDocument, visit } from 'yaml';
import { type ZodIssue } from 'zod';
import { ConfigError, type ConfigIssue, formatConfigPath } from '../config.error';
import { type AppConfig, appConfigSchema } from '../schema/app-config.schema';
import { type Environment, substituteEnvironment } from './env-substitution';
import { projectRoot, resolveFromRoot } from './project-root';

/** The configuration file used when `CLR_CONFIG` is not set: the embedded demo. */
export const DEFAULT_CONFIG_PATH = 'config/default.yaml';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface LoadConfigOptions {
  /** The YAML file; default `CLR_CONFIG`, else `config/default.yaml`. Relative to the project root. */
  path?: string;
  /** Environment for `${VAR}` references and defaults; default `process.env`. */
  env?: Environment;
  /** Folder that relative paths resolve against; default the project root. */
  root?: string;
}

export interface ParseConfigOptions {
  env: Environment;
  /** Shown in errors: the file name, or e.g. `(inline)`. */
  source: string;
  root: string;
}

/**
 * Loads, substitutes and validates the configuration. Throws one {@link ConfigError} listing
 * every problem (with its key path) when anything is wrong.
 */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const root = options.root ?? projectRoot();
  const relative = options.path ?? nonBlank(env.CLR_CONFIG) ?? DEFAULT_CONFIG_PATH;
  const file = resolveFromRoot(relative, root);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'file cannot be read';
    throw new ConfigError(relative, [
      { path: '', message: `${reason}: ${file} (set CLR_CONFIG to the configuration file)` },
    ]);
  }
  return parseConfig(text, { env, source: relative, root });
}

/** Parses and validates configuration text (the work of {@link loadConfig} after reading the file). */
export function parseConfig(text: string, options: ParseConfigOptions): AppConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (document.errors.length > 0) {
    throw new ConfigError(
      options.source,
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { path: '', message: `YAML line ${line}, column ${col}: ${firstLine(error.message)}` };
      }),
    );
  }
  let raw: unknown;
  try {
    raw = document.toJS();
  } catch {
    // An alias (`*name`) without its anchor; the name may be a secret typed unquoted.
    throw new ConfigError(options.source, [
      {
        path: '',
        message: `${unresolvedAliasAt(document, lineCounter)}: an alias (*name) names no anchor; quote a value that starts with * or &`,
      },
    ]);
  }
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(options.source, [{ path: '', message: 'must be a YAML mapping of sections' }]);
  }
  const issues: ConfigIssue[] = [];
  const substituted = substituteEnvironment(raw ?? {}, options.env, issues) as Record<string, unknown>;
  applyEnvironmentDefaults(substituted, options.env);

  const result = appConfigSchema.safeParse(substituted);
  if (!result.success) {
    const reported = new Set(issues.map((issue) => issue.path));
    for (const issue of flattenIssues(result.error.issues)) {
      // A key whose ${VAR} was unset is already reported; zod would add "Required" there.
      if (!reported.has(issue.path)) issues.push(issue);
    }
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(options.source, issues);
  return resolvePaths(result.data, options.root);
}

/** Where the first alias without an anchor is, as "YAML line L, column C". */
function unresolvedAliasAt(document: Document, lineCounter: LineCounter): string {
  let at = 'YAML';
  visit(document, {
    Alias(_key, node) {
      if (node.resolve(document) !== undefined || node.range === undefined || node.range === null) return;
      const { line, col } = lineCounter.linePos(node.range[0]);
      at = `YAML line ${line}, column ${col}`;
      return visit.BREAK;
    },
  });
  return at;
}

/** `redis.url` falls back to `REDIS_URL`, then to the local default. */
function applyEnvironmentDefaults(config: Record<string, unknown>, env: Environment): void {
  const redis = config.redis;
  if (redis === undefined || redis === null) {
    config.redis = { url: nonBlank(env.REDIS_URL) ?? DEFAULT_REDIS_URL };
  } else if (typeof redis === 'object' && !Array.isArray(redis) && !('url' in redis)) {
    config.redis = { ...redis, url: nonBlank(env.REDIS_URL) ?? DEFAULT_REDIS_URL };
  }
}

function flattenIssues(zodIssues: readonly ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of zodIssues) {
    if (issue.code === 'invalid_union' && issue.unionErrors.length > 0) {
      // Report the branch that got furthest rather than "Invalid input".
      const best = [...issue.unionErrors].sort((a, b) => a.issues.length - b.issues.length)[0];
      out.push(...flattenIssues(best.issues));
      continue;
    }
    out.push({ path: formatConfigPath(issue.path), message: describeIssue(issue) });
  }
  return out;
}

function describeIssue(issue: ZodIssue): string {
  // Own wording for the common cases: zod's would echo the received value (maybe a secret).
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_type') {
    return issue.received === 'undefined'
      ? 'is required'
      : `must be ${issue.expected}, not ${issue.received}`;
  }
  if (issue.code === 'invalid_union_discriminator' || issue.code === 'invalid_enum_value') {
    return `must be one of ${issue.options.map((option) => `"${String(option)}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_literal') return `must be ${JSON.stringify(issue.expected)}`;
  return issue.message;
}

function resolvePaths(config: AppConfig, root: string): AppConfig {
  return {
    ...config,
    sis: {
      ...config.sis,
      sources: config.sis.sources.map((source) =>
        source.driver === 'sqlite'
          ? {
              ...source,
              connection: { ...source.connection, file: resolveFromRoot(source.connection.file, root) },
            }
          : source,
      ),
    },
    case: { ...config.case, packages: config.case.packages.map((file) => resolveFromRoot(file, root)) },
    store:
      config.store.driver === 'sqlite'
        ? { ...config.store, file: resolveFromRoot(config.store.file, root) }
        : config.store,
  };
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
