import { Module } from '@nestjs/common';
import { PublicReadModule } from '@app/publishing';
import { AchievementsController, AssertionsController } from './assertions.controller';
import { ClrsController } from './clrs.controller';
import { DiscoveryController } from './discovery.controller';
import { KeysController } from './keys.controller';
import { ProfilesController } from './profiles.controller';
import { PublicFallbackController } from './public-fallback.controller';
import { RevocationsController } from './revocations.controller';

/**
 * The public side of the CLR 1.0 REST binding under `/ims/clr/v1p0`: keys, revocation lists,
 * hosted assertions, issuer profiles and discovery without auth; getClrs/getClr behind provider
 * tokens. Needs the configuration and the store (global modules) from the app.
 */
@Module({
  imports: [PublicReadModule],
  controllers: [
    KeysController,
    RevocationsController,
    AssertionsController,
    AchievementsController,
    ProfilesController,
    DiscoveryController,
    ClrsController,
    // Last: it answers whatever the others did not match.
    PublicFallbackController,
  ],
})
export class PublicClrModule {}
