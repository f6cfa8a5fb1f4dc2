import { CLR_API_PATH } from '@app/clr';

/**
 * The provider's own URLs. The base is only known once the server listens (port 0), so
 * `startStandInProvider` sets it before the first request can arrive.
 */
export class ProviderEndpoints {
  private base: string | undefined;

  setBaseUrl(baseUrl: string): void {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  get baseUrl(): string {
    if (this.base === undefined) throw new Error('The provider base URL is not known before it listens');
    return this.base;
  }

  get clrApiBase(): string {
    return `${this.baseUrl}${CLR_API_PATH}`;
  }

  get discoveryUrl(): string {
    return `${this.clrApiBase}/discovery`;
  }

  get clrsUrl(): string {
    return `${this.clrApiBase}/clrs`;
  }

  get registrationUrl(): string {
    return `${this.baseUrl}/oauth/register`;
  }

  get tokenUrl(): string {
    return `${this.baseUrl}/oauth/token`;
  }

  /** The authorization endpoint (authorization code + PKCE S256; auto-consent). */
  get authorizationUrl(): string {
    return `${this.baseUrl}/oauth/authorize`;
  }

  get privacyPolicyUrl(): string {
    return `${this.baseUrl}/about/privacy`;
  }

  get termsOfServiceUrl(): string {
    return `${this.baseUrl}/about/terms`;
  }
}
