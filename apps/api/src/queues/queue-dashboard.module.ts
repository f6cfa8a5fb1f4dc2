import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { QueueName } from '@app/jobs';
import { type DynamicModule, Module } from '@nestjs/common';
import { QueueDashboardAuthMiddleware } from './queue-dashboard-auth.middleware';

/** Where the Bull Board dashboard is served. */
export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';

/**
 * Bull Board over every queue of the job catalogue at /admin/queues. It is plain Express
 * middleware (Nest guards do not run there), so {@link QueueDashboardAuthMiddleware} stands in
 * front of it: operator role, same tokens as /admin, changes audited.
 */
@Module({})
export class QueueDashboardModule {
  static forRoot(): DynamicModule {
    return {
      module: QueueDashboardModule,
      imports: [
        BullBoardModule.forRoot({
          route: QUEUE_DASHBOARD_ROUTE,
          adapter: ExpressAdapter,
          middleware: QueueDashboardAuthMiddleware,
          boardOptions: { uiConfig: { boardTitle: 'clr-publisher queues' } },
        }),
        BullBoardModule.forFeature(
          ...Object.values(QueueName).map((name) => ({ name, adapter: BullMQAdapter })),
        ),
      ],
    };
  }
}
