import { type SisSourceConfig } from '@app/config';
import { RECORD_SET_CONTRACTS, type RecordSetContract } from '../contract/record-set.contract';
import { RECORD_SETS, type RecordSetName } from '../records/sis-records';

type ParameterValue = string | number | boolean | null;

/** Where a record set's rows come from. */
export type RecordSetFrom =
  | { kind: 'view'; /** `schema.view` or `view`, unquoted (TypeORM quotes each part). */ path: string }
  | { kind: 'query'; /** The configured SELECT with its placeholders renamed apart. */ sql: string };

/** A record set of one source, configuration applied. */
export interface ResolvedRecordSet {
  readonly contract: RecordSetContract;
  readonly enabled: boolean;
  readonly from: RecordSetFrom;
  /** Bound parameters of a configured query (renamed so they cannot clash with the reader's). */
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  /** Contract column -> the SIS's column; `null`: absent, always NULL. */
  readonly columns: ReadonlyMap<string, string | null>;
  /** For messages: `view clr_courses`, `view dbo.v_courses`, `the query of clr_learners`. */
  readonly label: string;
  /** For messages: `sis.sources[0].recordSets.clr_courses`. */
  readonly configPath: string;
}

export interface ResolvedSource {
  readonly sets: Readonly<Record<RecordSetName, ResolvedRecordSet>>;
  /** Problems of the configuration against the contract; empty when it fits. */
  readonly problems: readonly string[];
}

/**
 * Applies a source's `recordSets` configuration to the contract, and lists what does not fit:
 * renames of columns the contract does not have, absent required columns, disabled required
 * record sets. The database is not consulted (that is {@link SisSchemaVerifier}'s work).
 */
export function resolveRecordSets(source: SisSourceConfig, configPath: string): ResolvedSource {
  const problems: string[] = [];
  const sets = {} as Record<RecordSetName, ResolvedRecordSet>;
  for (const name of RECORD_SETS) {
    const contract = RECORD_SET_CONTRACTS[name];
    const config = source.recordSets[name];
    const path = `${configPath}.recordSets.${name}`;
    const enabled = config?.enabled ?? true;
    if (!enabled && !contract.optional)
      problems.push(`${path}.enabled: ${name} is required and cannot be disabled`);

    const columns = new Map<string, string | null>();
    for (const column of contract.columns) columns.set(column.column, column.column);
    for (const [contractColumn, actual] of Object.entries(config?.columns ?? {})) {
      const spec = contract.columns.find((column) => column.column === contractColumn);
      if (spec === undefined) {
        problems.push(
          `${path}.columns.${contractColumn}: "${contractColumn}" is not a column of ${name} ` +
            `(its columns: ${contract.columns.map((column) => column.column).join(', ')})`,
        );
        continue;
      }
      if (actual === null && !spec.nullable) {
        problems.push(
          `${path}.columns.${contractColumn}: ${contractColumn} is required in ${name} and cannot be absent`,
        );
        continue;
      }
      columns.set(contractColumn, actual);
    }

    let from: RecordSetFrom;
    let label: string;
    const parameters: Record<string, ParameterValue> = {};
    if (config?.query !== undefined) {
      let sql = config.query;
      for (const [parameter, value] of Object.entries(config.parameters)) {
        const renamed = `cfg_${name}_${parameter}`;
        sql = sql.replace(new RegExp(`(?<![:\\w]):${parameter}(?![\\w])`, 'g'), `:${renamed}`);
        parameters[renamed] = value;
      }
      from = { kind: 'query', sql };
      label = `the query of ${name}`;
    } else {
      const view = config?.view ?? name;
      const qualified = view.includes('.') || source.schema === undefined ? view : `${source.schema}.${view}`;
      from = { kind: 'view', path: qualified };
      label = `view ${qualified}`;
    }
    sets[name] = { contract, enabled, from, parameters, columns, label, configPath: path };
  }
  return { sets, problems };
}
