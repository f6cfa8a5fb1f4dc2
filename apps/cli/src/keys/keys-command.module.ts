import { Module } from '@nestjs/common';
import { KeysGenerateCommand } from './keys-generate.command';
import { KeysListCommand } from './keys-list.command';
import { KeysRotateCommand } from './keys-rotate.command';
import { KeysCommand } from './keys.command';

/** `clr-publisher keys ...`: the parent command and each subcommand. */
@Module({ providers: [KeysCommand, KeysGenerateCommand, KeysRotateCommand, KeysListCommand] })
export class KeysCommandModule {}
