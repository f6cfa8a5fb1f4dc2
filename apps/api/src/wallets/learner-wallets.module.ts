import { Module } from '@nestjs/common';
import { WalletsModule } from '@app/publishing';
import { WalletsController } from './wallets.controller';

/** The learner-facing `/wallets` routes (connect, callback, disconnect). */
@Module({ imports: [WalletsModule], controllers: [WalletsController] })
export class LearnerWalletsModule {}
