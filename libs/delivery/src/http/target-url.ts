import { DeliveryError } from '../errors/delivery-error';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface UrlPolicy {
  /**
   * Refuse plain `http` except on loopback hosts (CLR 1.0 requires TLS; the stand-in provider
   * and tests run on 127.0.0.1). Default true.
   */
  requireHttps?: boolean;
}

/** Parses a provider URL we are about to call, refusing what must not be called. */
export function providerUrl(value: string, what: string, policy: UrlPolicy = {}): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DeliveryError('invalid_target', `${what} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DeliveryError('invalid_target', `${what} must be an http(s) URL`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new DeliveryError('invalid_target', `${what} must not carry credentials`);
  }
  if ((policy.requireHttps ?? true) && url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new DeliveryError('invalid_target', `${what} must use https`);
  }
  return url;
}

/** `{base}/ims/clr/v1p0{path}`, tolerating a base given with or without a trailing slash. */
export function clrApiUrl(baseUrl: string, path: string, policy: UrlPolicy = {}): URL {
  const base = providerUrl(baseUrl, 'The provider base URL', policy);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/ims/clr/v1p0${path}`;
  base.search = '';
  base.hash = '';
  return base;
}
