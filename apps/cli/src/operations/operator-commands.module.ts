import { Module } from '@nestjs/common';
import { ReinstateCommand } from '../assertions/reinstate.command';
import { RevokeCommand } from '../assertions/revoke.command';
import { DeliveriesCommand } from '../deliveries/deliveries.command';
import { RetryCommand } from '../deliveries/retry.command';
import { RepublishCommand } from '../republish/republish.command';
import { RunsCommand } from '../runs/runs.command';
import { TargetsCommandModule } from '../targets/targets-command.module';

/**
 * The operators' commands, mirroring the admin API over the same operations: runs, republish,
 * revoke, reinstate, deliveries, retry, targets.
 */
@Module({
  imports: [TargetsCommandModule],
  providers: [
    RunsCommand,
    RepublishCommand,
    RevokeCommand,
    ReinstateCommand,
    DeliveriesCommand,
    RetryCommand,
  ],
})
export class OperatorCommandsModule {}
