import { Module } from '@nestjs/common';
import { OperationsModule, PublishingModule, WalletsModule } from '@app/publishing';
import { AssertionsController } from './assertions/assertions.controller';
import { OperationErrorInterceptor } from './common/operation-error.interceptor';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { KeysController } from './keys/keys.controller';
import { RepublishController } from './republish/republish.controller';
import { RunsController } from './runs/runs.controller';
import { TargetsController } from './targets/targets.controller';
import { AdminWalletsController } from './wallets/wallets.controller';

/**
 * The operators' routes under /admin: runs, republish, assertions, deliveries, targets, keys.
 * Thin controllers over `@app/publishing`'s operations (the CLI runs the same ones); the
 * foundation's guard, audit interceptor and error filter apply to all of them.
 */
@Module({
  imports: [PublishingModule, OperationsModule, WalletsModule],
  controllers: [
    RunsController,
    RepublishController,
    AssertionsController,
    DeliveriesController,
    TargetsController,
    KeysController,
    AdminWalletsController,
  ],
  providers: [OperationErrorInterceptor],
})
export class AdminOperationsModule {}
