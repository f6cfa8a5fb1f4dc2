export { LOG_REDACT_PATHS, REDACTED } from './logging/log-redaction';
export { type LoggedError, loggableError } from './logging/safe-error';
export { type CreateLoggerOptions, type LogLevel, createLogger } from './logging/logger.factory';
export {
  type HttpLoggingOptions,
  type LoggableRequest,
  REQUEST_ID_HEADER,
  genericPath,
  httpLoggingOptions,
  loggedPath,
  pathOf,
  requestIdFor,
  serializeRequest,
  serializeResponse,
} from './logging/http-logging';
export * from './metrics/metric-names';
export {
  ClrMetrics,
  type ClrMetricsOptions,
  type MetricsJson,
  type QueueDepthSource,
} from './metrics/clr-metrics';
export {
  MetricsSnapshotPublisher,
  MetricsSnapshotReader,
  type SnapshotPublisherOptions,
  type SnapshotReaderOptions,
  type SnapshotRedis,
  processInstanceId,
  snapshotKey,
} from './metrics/metrics-snapshots';
export { MetricsModule, type MetricsModuleOptions } from './nest/metrics.module';
export { type NestLoggingOptions, nestLoggerModule } from './nest/logger.module';
