import { Module } from '@nestjs/common';
import { OAuthModule } from '../oauth.module';
import { AuthorizationCodeGrant, RefreshTokenGrant } from './authorization-code.grant';
import { AuthorizationController } from './authorization.controller';

/** `/oauth/authorize` and the authorization_code + refresh_token grants of the token endpoint. */
@Module({
  imports: [OAuthModule],
  controllers: [AuthorizationController],
  providers: [AuthorizationCodeGrant, RefreshTokenGrant],
})
export class AuthorizationCodeModule {}
