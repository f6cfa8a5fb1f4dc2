export * from './job-catalogue';
export * from './queue-policy';
