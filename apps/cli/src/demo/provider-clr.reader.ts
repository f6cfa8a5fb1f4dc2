import { CLR_CONTEXT_URL, CLR_MEDIA_TYPE, CLR_SCOPES, type CompactJws } from '@app/clr';

/** A client of the stand-in provider allowed to read (getClrs). */
export interface ReaderClient {
  clientId: string;
  clientSecret: string;
}

export interface ProviderClrPage {
  /** `X-Total-Count`: every CLR the provider holds. */
  total: number;
  signedClrs: CompactJws[];
  /** Unsigned CLRs it holds (the demo delivers signed ones only). */
  unsigned: number;
}

/**
 * Reads back what a CLR provider holds, as any consumer would: a client-credentials token with
 * the readonly scope, then getClrs (`GET {base}/ims/clr/v1p0/clrs`) page by page.
 */
export class ProviderClrReader {
  constructor(
    private readonly baseUrl: string,
    private readonly client: ReaderClient,
    private readonly timeoutMs = 10_000,
  ) {}

  async readAll(pageSize = 1000): Promise<ProviderClrPage> {
    const token = await this.token();
    const result: ProviderClrPage = { total: 0, signedClrs: [], unsigned: 0 };
    for (let offset = 0; ; offset += pageSize) {
      const response = await fetch(`${this.baseUrl}/ims/clr/v1p0/clrs?limit=${pageSize}&offset=${offset}`, {
        headers: { authorization: `Bearer ${token}`, accept: CLR_MEDIA_TYPE },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (response.status !== 200) throw new Error(`getClrs answered HTTP ${response.status}`);
      result.total = Number(response.headers.get('x-total-count') ?? '0');
      const set = (await response.json()) as { signedClrs?: unknown; clrs?: unknown };
      const signed = Array.isArray(set.signedClrs) ? set.signedClrs : [];
      const unsigned = Array.isArray(set.clrs) ? set.clrs : [];
      result.signedClrs.push(...signed.filter((jws): jws is string => typeof jws === 'string'));
      result.unsigned += unsigned.length;
      if (signed.length + unsigned.length < pageSize || offset + pageSize >= result.total) return result;
    }
  }

  private async token(): Promise<string> {
    const basic = Buffer.from(
      `${encodeURIComponent(this.client.clientId)}:${encodeURIComponent(this.client.clientSecret)}`,
    ).toString('base64');
    const response = await fetch(`${this.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: CLR_SCOPES.readonly }).toString(),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown };
    if (response.status !== 200 || typeof body.access_token !== 'string') {
      throw new Error(
        `the provider's token endpoint answered HTTP ${response.status}${typeof body.error === 'string' ? ` (${body.error})` : ''}`,
      );
    }
    return body.access_token;
  }
}

/** The postClr payload form of a signed CLR, as `verifyClr` takes it. */
export function signedPayload(jws: CompactJws): { '@context': string; signedClr: CompactJws } {
  return { '@context': CLR_CONTEXT_URL, signedClr: jws };
}
