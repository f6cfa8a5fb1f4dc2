export * from './records/sis-records';
export * from './contract/record-set.contract';
export * from './contract/record-set-records';
export {
  normalizeRow,
  rowKey,
  type NormalizedRow,
  UNKNOWN_UPDATED_AT,
  MISSING_KEY,
} from './normalize/row.normalizer';
export * from './normalize/value.normalizers';
export {
  type LearnerRead,
  assembleLearnerRecords,
  type LearnerRows,
  type CatalogueRows,
} from './reader/learner-records.assembler';
export { SisReader, type SisReaderOptions, type RecordPage } from './reader/sis.reader';
export { SisError, type SisErrorCode } from './reader/sis.error';
export { createSisDataSource, sisDataSourceOptions } from './reader/sis-data-source.factory';
export { SisQueryBuilder, type ChangedOrganizations } from './reader/sis-query.builder';
export { resolveRecordSets, type ResolvedRecordSet } from './reader/record-set.resolver';
export { sisDialect, type SisDialect, MAX_IN_LIST } from './reader/sis-dialect';
export { SisReaders } from './nest/sis-readers.service';
export { SisModule } from './nest/sis.module';
export * from './demo';
