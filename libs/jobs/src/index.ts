export * from './job-catalogue';
export * from './queue-policy';
export * from './job-producer';
export * from './jobs.module';
export * from './redis-connection';
export * from './redis-deadline';
