export * from './records/sis-records';
