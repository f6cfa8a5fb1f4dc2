import { type ContractColumn, type RecordSetContract } from '../contract/record-set.contract';
import { type RecordSetRecords } from '../contract/record-set-records';
import { type RecordProblem, type RecordSetName } from '../records/sis-records';
import {
  type Normalized,
  normalizeBoolean,
  normalizeDate,
  normalizeDecimal,
  normalizeText,
  normalizeTimestamp,
  textLength,
  truncateText,
} from './value.normalizers';

/** What a row without a readable `updated_at` gets: old enough that only full runs pick it up. */
export const UNKNOWN_UPDATED_AT = '1970-01-01T00:00:00.000Z';

/** The key of a row whose key column is NULL, in problem reports. */
export const MISSING_KEY = '(no key)';

export interface NormalizedRow<N extends RecordSetName> {
  /** The row's primary key as text (`course/competency` for the link set). */
  key: string;
  /** `null` when the row is skipped. */
  record: RecordSetRecords[N] | null;
  problems: RecordProblem[];
}

/**
 * One raw row (keyed by contract column names) -> a record of the record set, or a skip.
 * Skipped: a NULL or over-long key/reference (the record types need it). Degraded: other
 * required columns NULL, unreadable values (dropped to null), over-long text (cut).
 */
export function normalizeRow<N extends RecordSetName>(
  contract: RecordSetContract & { name: N },
  raw: Readonly<Record<string, unknown>>,
): NormalizedRow<N> {
  const problems: RecordProblem[] = [];
  const record: Record<string, unknown> = {};
  const key = rowKey(contract, raw);
  let skipped = false;
  const report = (effect: RecordProblem['effect'], reason: string): void => {
    problems.push({ recordSet: contract.name, key, reason, effect });
  };

  for (const column of contract.columns) {
    const result = normalizeValue(column, raw[column.column]);
    if (!result.ok) {
      if (column.kind === 'id' && !column.nullable) {
        skipped = true;
        report('skipped', `${column.column} ${result.reason}`);
      } else if (column.kind === 'timestamp' && !column.nullable) {
        report('degraded', `${column.column} ${result.reason}: only full runs will see this row`);
      } else {
        report('degraded', `${column.column} ${result.reason}: dropped`);
      }
      record[column.field] = fallback(column);
      continue;
    }
    let value = result.value;
    if (value === null) {
      if (!column.nullable) {
        if (column.kind === 'id') {
          skipped = true;
          report('skipped', `${column.column} is NULL or blank`);
        } else if (column.kind === 'timestamp') {
          report('degraded', `${column.column} is NULL: only full runs will see this row`);
        } else {
          report('degraded', `required column ${column.column} is NULL or blank`);
        }
      }
      record[column.field] = fallback(column);
      continue;
    }
    if (typeof value === 'string' && column.maxLength !== undefined && textLength(value) > column.maxLength) {
      if (column.kind === 'id') {
        if (column.nullable) {
          report('degraded', `${column.column} is longer than ${column.maxLength} characters: dropped`);
          value = null;
        } else {
          skipped = true;
          report('skipped', `${column.column} is longer than ${column.maxLength} characters`);
        }
      } else {
        report('degraded', `${column.column} is longer than ${column.maxLength} characters: cut`);
        value = truncateText(value, column.maxLength);
      }
    }
    record[column.field] = value;
  }
  // Only the skip is worth reporting once the row is skipped; degradations of it are noise.
  const kept = skipped ? problems.filter((problem) => problem.effect === 'skipped') : problems;
  return { key, record: skipped ? null : (record as unknown as RecordSetRecords[N]), problems: kept };
}

function normalizeValue(column: ContractColumn, raw: unknown): Normalized<string | number | boolean> {
  switch (column.kind) {
    case 'id':
    case 'text':
      return normalizeText(raw);
    case 'decimal':
      return normalizeDecimal(raw);
    case 'date':
      return normalizeDate(raw);
    case 'timestamp':
      return normalizeTimestamp(raw);
    case 'boolean':
      return normalizeBoolean(raw);
  }
}

function fallback(column: ContractColumn): string | boolean | null {
  if (column.kind === 'boolean') return false;
  if (column.kind === 'timestamp' && !column.nullable) return UNKNOWN_UPDATED_AT;
  return null;
}

/** The key as text, for problems and duplicate detection. */
export function rowKey(contract: RecordSetContract, raw: Readonly<Record<string, unknown>>): string {
  const parts = contract.key.map((column) => {
    const result = normalizeText(raw[column]);
    return result.ok && result.value !== null ? result.value : MISSING_KEY;
  });
  return parts.join('/');
}
