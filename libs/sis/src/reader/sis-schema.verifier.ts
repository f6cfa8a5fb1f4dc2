import { type DataSource } from 'typeorm';
import { type RecordSetName } from '../records/sis-records';
import { type ResolvedRecordSet } from './record-set.resolver';
import { driverMessage } from './sis.error';
import { type SisQueryBuilder } from './sis-query.builder';

/**
 * Checks every enabled record set against the database before anything is read: the view (or
 * configured query) answers, and each configured column exists. One zero-row SELECT per record
 * set when all is well; when it fails, one per column to name exactly which are missing.
 * Returns every problem (`sis.sources[0].recordSets.clr_courses: column "titel" not found in
 * view clr_courses`); empty when the source fits. Probes carry no row values, so the driver's
 * message may be quoted.
 */
export async function verifySisSchema(
  dataSource: DataSource,
  queries: SisQueryBuilder,
  sets: Readonly<Record<RecordSetName, ResolvedRecordSet>>,
): Promise<string[]> {
  const problems: string[] = [];
  const run = async (query: ReturnType<SisQueryBuilder['probeRecordSet']>): Promise<unknown> => {
    const [sql, parameters] = query.getQueryAndParameters();
    return dataSource.query(sql, parameters);
  };
  for (const set of Object.values(sets)) {
    if (!set.enabled) continue;
    const name = set.contract.name;
    try {
      await run(queries.probeRecordSet(name));
    } catch (error) {
      problems.push(`${set.configPath}: ${set.label} cannot be read: ${driverMessage(error)}`);
      continue;
    }
    const present = set.contract.columns
      .map((column) => column.column)
      .filter((column) => set.columns.get(column) != null);
    try {
      await run(queries.probeColumns(name, present));
      continue;
    } catch {
      // find out which columns, below
    }
    for (const column of present) {
      try {
        await run(queries.probeColumns(name, [column]));
      } catch {
        const actual = set.columns.get(column) as string;
        const renamed = actual === column ? '' : ` (contract column ${column})`;
        problems.push(`${set.configPath}: column "${actual}"${renamed} not found in ${set.label}`);
      }
    }
  }
  return problems;
}
