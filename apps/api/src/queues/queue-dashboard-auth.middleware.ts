import { Injectable, type NestMiddleware } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { AdminAuditService } from '../audit/admin-audit.service';
import { AdminAuthenticator } from '../auth/admin-authenticator';
import { type AdminRequest } from '../auth/current-admin.decorator';
import { sendApiError } from '../errors/api-exception.filter';
import { mapError } from '../errors/error-mapping';
import { requestIdOf } from '../errors/request-id';

const BASIC_CHALLENGE = 'Basic realm="clr-publisher-admin", charset="UTF-8"';
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `Sec-Fetch-Site` values of a request the dashboard's own page (or no browser page) made. */
const OWN_SITE = new Set(['same-origin', 'none']);

/**
 * Whether a browser says another site started the request. A browser sends remembered Basic
 * credentials with any request to the dashboard, even a form another site posts, so a changing
 * call must come from the dashboard's own page: `Sec-Fetch-Site` same-origin (or none: typed or
 * bookmarked), or, where browsers do not send it (plain http), an `Origin` of this host: the
 * `Host` header or, behind a reverse proxy that rewrites it, `X-Forwarded-Host` (a page cannot
 * set either). Clients that send neither (curl, scripts with a bearer token) are not browsers
 * and pass.
 */
function crossSite(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return !OWN_SITE.has(site.toLowerCase());
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  const forwarded = req.headers['x-forwarded-host'];
  const hosts = [req.headers.host, ...(typeof forwarded === 'string' ? forwarded.split(',') : [])]
    .filter((host): host is string => host !== undefined)
    .map((host) => host.trim().toLowerCase());
  try {
    return !hosts.includes(new URL(origin).host);
  } catch {
    return true; // `null` (a sandboxed or file page) or garbage: not this host
  }
}

/** Bull Board runs its own Express app, which would announce itself; the api does not. */
function hidePoweredBy(res: Response): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) =>
    name.toLowerCase() === 'x-powered-by' ? res : setHeader(name, value);
}

/**
 * In front of Bull Board: an operator token (as for any changing /admin call: the dashboard
 * retries, removes and promotes jobs) as a bearer or as the password of Basic credentials (what
 * a browser can send), errors in the api's shape, changing calls only from the dashboard's own
 * page (not a form on another site riding the browser's Basic credentials), and every changing
 * dashboard call (retry, clean, pause ...) in the audit log once it has been answered.
 */
@Injectable()
export class QueueDashboardAuthMiddleware implements NestMiddleware {
  constructor(
    private readonly authenticator: AdminAuthenticator,
    private readonly audit: AdminAuditService,
  ) {}

  use(req: Request & AdminRequest, res: Response, next: NextFunction): void {
    hidePoweredBy(res);
    if (!READ_METHODS.has(req.method.toUpperCase()) && crossSite(req)) {
      sendApiError(req, res, {
        status: 403,
        code: 'cross_site_request',
        message: 'changes on the queue dashboard are accepted only from its own page',
        severity: 'warn',
      });
      return;
    }
    this.authenticator
      .authenticate(req.headers.authorization, { allowBasic: true })
      .then((principal) => {
        req.adminPrincipal = principal;
        this.authenticator.authorize(principal, 'operator');
        if (!READ_METHODS.has(req.method.toUpperCase())) this.auditWhenAnswered(req, res, principal.actor);
        next();
      })
      .catch((error: unknown) => {
        const mapped = mapError(error);
        // A browser prompts for Basic credentials (paste the token as the password) and then
        // sends them with every request of the dashboard's own pages and API calls.
        if (mapped.status === 401)
          mapped.headers = { ...mapped.headers, 'WWW-Authenticate': BASIC_CHALLENGE };
        sendApiError(req, res, mapped);
      });
  }

  private auditWhenAnswered(req: Request, res: Response, actor: string): void {
    const requestId = requestIdOf(req, res);
    // The path inside the dashboard names the queue and job (`/api/queues/build/<jobId>/retry`): ids only.
    const path = `${req.baseUrl}${req.path}`;
    res.once('finish', () => {
      const ok = res.statusCode < 400;
      void this.audit.record({
        actor,
        action: `queues.${req.method.toLowerCase()}`,
        subject: path,
        details: { outcome: ok ? 'ok' : 'failed', requestId, status: res.statusCode },
      });
    });
  }
}
