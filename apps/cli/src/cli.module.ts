import { Module } from '@nestjs/common';
import { DemoSisCommand } from './commands/demo-sis.command';
import { MigrateCommand } from './commands/migrate.command';

@Module({ providers: [DemoSisCommand, MigrateCommand] })
export class CliModule {}
