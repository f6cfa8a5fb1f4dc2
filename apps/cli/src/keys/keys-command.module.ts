import { Module } from '@nestjs/common';
import { KeysGenerateCommand } from './keys-generate.command';
import { KeysCommand } from './keys.command';

/** `clr-publisher keys ...`: the parent command and each subcommand. */
@Module({ providers: [KeysCommand, KeysGenerateCommand] })
export class KeysCommandModule {}
