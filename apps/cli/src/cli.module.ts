import { Module } from '@nestjs/common';
import { DemoCommand } from './commands/demo.command';
import { DemoSisCommand } from './commands/demo-sis.command';
import { MigrateCommand } from './commands/migrate.command';
import { PreviewCommand } from './commands/preview.command';
import { KeysCommandModule } from './keys/keys-command.module';
import { OperatorCommandsModule } from './operations/operator-commands.module';
import { SyncCommandModule } from './sync/sync-command.module';
import { VerifyCommandModule } from './verify/verify-command.module';
import { WalletsCommandModule } from './wallets/wallets-command.module';

@Module({
  imports: [
    VerifyCommandModule,
    KeysCommandModule,
    SyncCommandModule,
    OperatorCommandsModule,
    WalletsCommandModule,
  ],
  providers: [DemoCommand, DemoSisCommand, MigrateCommand, PreviewCommand],
})
export class CliModule {}
