import { Module } from '@nestjs/common';
import { VerifyCommand } from './verify.command';

/** `clr-publisher verify`. */
@Module({ providers: [VerifyCommand] })
export class VerifyCommandModule {}
