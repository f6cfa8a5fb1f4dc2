/** One problem in the configuration: where (`sis.sources[0].driver`) and why. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * The configuration cannot be used. Lists every problem found, so an operator fixes them in one
 * go; the process must not start half-configured. Messages never carry secret values.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `Invalid configuration (${source}): ${issues.length} problem${issues.length === 1 ? '' : 's'}\n` +
        issues
          .map((issue) => `  - ${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`)
          .join('\n'),
    );
  }
}

/** `['sis', 'sources', 0, 'driver']` -> `sis.sources[0].driver`. */
export function formatConfigPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) text += text === '' ? part : `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text;
}
