import { Module } from '@nestjs/common';
import { MigrateCommand } from './commands/migrate.command';

@Module({ providers: [MigrateCommand] })
export class CliModule {}
