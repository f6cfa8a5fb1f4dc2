import { Module } from '@nestjs/common';
import { TargetsAddCommand } from './targets-add.command';
import { TargetsListCommand } from './targets-list.command';
import { TargetsDisableCommand, TargetsEnableCommand } from './targets-switch.command';
import { TargetsCommand } from './targets.command';

/** `clr-publisher targets ...`: the parent command and each subcommand. */
@Module({
  providers: [
    TargetsCommand,
    TargetsListCommand,
    TargetsAddCommand,
    TargetsDisableCommand,
    TargetsEnableCommand,
  ],
})
export class TargetsCommandModule {}
