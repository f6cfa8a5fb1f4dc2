import { type AppConfig } from '@app/config';
import { JOBS_MODULE_OPTIONS, type JobsModuleOptions } from '@app/jobs';
import { MetricsModule, MetricsSnapshotReader, createLogger, nestLoggerModule } from '@app/observability';
import { SisModule, SisReaders } from '@app/sis';
import { PublisherStore } from '@app/store';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { type DestinationStream } from 'pino';
import { WhoAmIController } from '../admin/whoami.controller';
import { AdminAuditService } from '../audit/admin-audit.service';
import { AuditInterceptor } from '../audit/audit.interceptor';
import { AdminAuthGuard } from '../auth/admin-auth.guard';
import { AdminAuthenticator } from '../auth/admin-authenticator';
import { ApiExceptionFilter } from '../errors/api-exception.filter';
import { HealthController } from '../health/health.controller';
import { HealthService } from '../health/health.service';
import { OpsRedis } from '../health/ops-redis';
import { MetricsController } from '../metrics/metrics.controller';
import { QueueDashboardModule } from '../queues/queue-dashboard.module';
import { QueueDepthWatcher } from './queue-depth.watcher';

export interface ApiFoundationOptions {
  /** Where log lines go; default stdout (tests pass a stream to read them). */
  logDestination?: DestinationStream;
  /** Timeout of each /health check, ms; default 3000. */
  healthTimeoutMs?: number;
}

/** Paths whose successful requests log at debug: probes and scrapes would drown the rest. */
const QUIET_PATHS = ['/health', '/health/live', '/metrics'];

/**
 * What every api route stands on: JSON logs with request ids, metrics, the /admin guard (static
 * tokens or OIDC JWTs, viewer/operator), the audit interceptor, one error shape, /health,
 * /metrics, /admin/whoami and the queue dashboard. Global, so feature modules inject
 * `AdminAuditService`, `ClrMetrics` and `OpsRedis` without importing it. Needs the configuration,
 * store and queues (`PublishingModule.forApp`) beside it.
 */
@Module({})
export class ApiFoundationModule {
  static forRoot(options: ApiFoundationOptions & { config: AppConfig }): DynamicModule {
    const { config } = options;
    const logger = createLogger({
      level: config.logging.level,
      service: 'api',
      destination: options.logDestination,
    });
    const healthTimeoutMs = options.healthTimeoutMs ?? 3000;
    return {
      module: ApiFoundationModule,
      global: true,
      imports: [
        nestLoggerModule({ logger, quietPaths: QUIET_PATHS }),
        MetricsModule.forRoot({ defaultMetrics: true }),
        SisModule,
        QueueDashboardModule.forRoot(),
      ],
      controllers: [HealthController, MetricsController, WhoAmIController],
      providers: [
        AdminAuthenticator,
        AdminAuditService,
        { provide: OpsRedis, useFactory: () => new OpsRedis(config.redis.url) },
        {
          provide: HealthService,
          inject: [PublisherStore, SisReaders, OpsRedis],
          useFactory: (store: PublisherStore, readers: SisReaders, redis: OpsRedis) =>
            new HealthService(store, readers, redis, healthTimeoutMs),
        },
        {
          provide: MetricsSnapshotReader,
          inject: [OpsRedis, JOBS_MODULE_OPTIONS],
          useFactory: (redis: OpsRedis, jobs: JobsModuleOptions) =>
            new MetricsSnapshotReader({ redis: redis.client, prefix: jobs.prefix }),
        },
        QueueDepthWatcher,
        { provide: APP_GUARD, useClass: AdminAuthGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
      exports: [AdminAuthenticator, AdminAuditService, OpsRedis],
    };
  }
}
