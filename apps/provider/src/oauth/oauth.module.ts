import { Module } from '@nestjs/common';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { GrantRegistry } from './grants/grant-registry.service';
import { RegistrationController } from './registration.controller';
import { TokenController } from './token.controller';

/**
 * Registration and the token endpoint with the client-credentials grant. A later
 * authorization-code module imports this one, registers its grants with the exported
 * {@link GrantRegistry} and serves `/oauth/authorize`.
 */
@Module({
  controllers: [RegistrationController, TokenController],
  providers: [GrantRegistry, ClientCredentialsGrant],
  exports: [GrantRegistry],
})
export class OAuthModule {}
