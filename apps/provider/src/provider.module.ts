import { type DynamicModule, Global, Module } from '@nestjs/common';
import { BearerAuthService } from './common/bearer-auth.service';
import { ProviderEndpoints } from './common/provider-endpoints';
import { ClrPayloadChecker } from './clrs/clr-payload.checker';
import { ClrsController } from './clrs/clrs.controller';
import { ControlController } from './control/control.controller';
import { AboutController } from './discovery/about.controller';
import { DiscoveryController } from './discovery/discovery.controller';
import { AuthorizationCodeModule } from './oauth/authorization/authorization-code.module';
import { OAuthModule } from './oauth/oauth.module';
import { PROVIDER_OPTIONS, PROVIDER_STATE, type ResolvedProviderOptions } from './provider-options';
import { type ProviderState } from './state/provider-state';

/** The running provider's shared objects, made outside Nest so callers keep a handle on them. */
export interface ProviderContext {
  options: ResolvedProviderOptions;
  state: ProviderState;
  endpoints: ProviderEndpoints;
}

@Global()
@Module({})
class ProviderCoreModule {
  static forContext(context: ProviderContext): DynamicModule {
    return {
      module: ProviderCoreModule,
      providers: [
        { provide: PROVIDER_OPTIONS, useValue: context.options },
        { provide: PROVIDER_STATE, useValue: context.state },
        { provide: ProviderEndpoints, useValue: context.endpoints },
        BearerAuthService,
      ],
      exports: [PROVIDER_OPTIONS, PROVIDER_STATE, ProviderEndpoints, BearerAuthService],
    };
  }
}

@Module({
  controllers: [ClrsController],
  providers: [ClrPayloadChecker],
})
class ClrsModule {}

@Module({ controllers: [DiscoveryController, AboutController] })
class DiscoveryModule {}

@Module({ controllers: [ControlController] })
class ControlModule {}

/** The stand-in CLR provider: discovery, OAuth, the CLR endpoints and (optionally) `/_provider`. */
@Module({})
export class ProviderModule {
  static forContext(context: ProviderContext): DynamicModule {
    return {
      module: ProviderModule,
      imports: [
        ProviderCoreModule.forContext(context),
        DiscoveryModule,
        OAuthModule,
        AuthorizationCodeModule,
        ClrsModule,
        ...(context.options.controlApi ? [ControlModule] : []),
      ],
    };
  }
}
