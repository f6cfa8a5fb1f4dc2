import { type RecordSetName } from '@app/sis';
import { type ProblemLog } from './problem-log';
import { checkTimestamp, compareDateTimes } from './record-dates';
import { compareText } from './text-bounds';

function updatedAtOrder(value: string): string | undefined {
  const check = checkTimestamp(value);
  return check.ok ? check.value : undefined;
}

function canonical(row: object): string {
  return JSON.stringify(row, Object.keys(row).sort());
}

/**
 * Indexes rows by primary key in key order. Rows with a blank key are skipped; of rows sharing a
 * key (a broken view or a join that fans out), the most recently updated one is kept and the
 * others are reported. Ties are broken on the row's content, so the choice never depends on the
 * order the SIS returned the rows in.
 */
export function uniqueByKey<T extends { updatedAt: string }>(
  rows: readonly T[],
  keyOf: (row: T) => string,
  recordSet: RecordSetName,
  log: ProblemLog,
): Map<string, T> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    if (typeof key !== 'string' || key.trim() === '') {
      log.skipped(recordSet, '', 'the row has an empty key');
      continue;
    }
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  const unique = new Map<string, T>();
  for (const key of [...groups.keys()].sort(compareText)) {
    const group = groups.get(key) as T[];
    if (group.length > 1) {
      group.sort((a, b) => {
        const [ta, tb] = [updatedAtOrder(a.updatedAt), updatedAtOrder(b.updatedAt)];
        if (ta !== tb) {
          if (ta === undefined) return 1;
          if (tb === undefined) return -1;
          const order = compareDateTimes(tb, ta);
          if (order !== 0) return order;
        }
        return compareText(canonical(a), canonical(b));
      });
      log.skipped(
        recordSet,
        key,
        `${group.length - 1} other row(s) share this key; kept the most recently updated one`,
      );
    }
    unique.set(key, group[0]);
  }
  return unique;
}
