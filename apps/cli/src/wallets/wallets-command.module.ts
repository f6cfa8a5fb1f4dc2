import { Module } from '@nestjs/common';
import { WalletsDisconnectCommand } from './wallets-disconnect.command';
import { WalletsListCommand } from './wallets-list.command';
import { WalletsCommand } from './wallets.command';

/** `clr-publisher wallets ...`: the parent command and each subcommand. */
@Module({ providers: [WalletsCommand, WalletsListCommand, WalletsDisconnectCommand] })
export class WalletsCommandModule {}
