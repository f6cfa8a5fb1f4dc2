import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { CLR_API_PATH, CLR_CONTEXT_URL, CLR_SCOPES, type DiscoveryDocument } from '@app/clr';
import { negotiateJsonLd } from '../common/negotiation';
import { ProviderEndpoints } from '../common/provider-endpoints';
import { PROVIDER_OPTIONS, type ResolvedProviderOptions } from '../provider-options';

/** getDiscoveryDocument: no authentication, built from the provider's own base URL. */
@Controller(CLR_API_PATH.slice(1))
export class DiscoveryController {
  constructor(
    private readonly endpoints: ProviderEndpoints,
    @Inject(PROVIDER_OPTIONS) private readonly options: ResolvedProviderOptions,
  ) {}

  @Get('discovery')
  discovery(@Req() request: Request, @Res() response: Response): void {
    const mediaType = negotiateJsonLd(request, true);
    const document: DiscoveryDocument = {
      '@context': CLR_CONTEXT_URL,
      name: this.options.name,
      authorizationUrl: this.endpoints.authorizationUrl,
      tokenUrl: this.endpoints.tokenUrl,
      registrationUrl: this.endpoints.registrationUrl,
      scopesOffered: [CLR_SCOPES.readonly, CLR_SCOPES.replace, CLR_SCOPES.delete],
      privacyPolicyUrl: this.endpoints.privacyPolicyUrl,
      termsOfServiceUrl: this.endpoints.termsOfServiceUrl,
    };
    response.status(200).type(mediaType).send(JSON.stringify(document));
  }
}
