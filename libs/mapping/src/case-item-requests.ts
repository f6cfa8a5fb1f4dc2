import { type LearnerRecords } from '@app/sis';

/** A CASE item a learner's CLR aligns to, with the competency's name (the fallback target name). */
export interface CaseItemReference {
  uri: string;
  name?: string;
}

/**
 * The CASE items the mapping will look up in `MappingContext.alignments` for these records, once
 * per URI in URI order: resolve exactly these (e.g. with `CaseResolver.resolveMany`) before
 * mapping. Over-approximates on purpose (every competency row given, not only those used), since
 * resolving an extra item is cheap and the catalogue is small.
 */
export function caseItemReferences(records: LearnerRecords): CaseItemReference[] {
  const byUri = new Map<string, CaseItemReference>();
  for (const competency of records.competencies) {
    const uri = competency.caseItemUri?.trim();
    if (uri === undefined || uri === '' || byUri.has(uri)) continue;
    const name = competency.name?.trim();
    byUri.set(uri, name === undefined || name === '' ? { uri } : { uri, name });
  }
  return [...byUri.keys()].sort().map((uri) => byUri.get(uri) as CaseItemReference);
}
