import { Module } from '@nestjs/common';
import { SyncCommand } from './sync.command';

/** `clr-publisher sync`. */
@Module({ providers: [SyncCommand] })
export class SyncCommandModule {}
