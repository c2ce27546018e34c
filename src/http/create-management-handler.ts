import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { HooklineValidationError, type ValidationIssue } from '../errors.js';
import { maximumCallPageSize } from '../schemas/call-query.js';
import type { WebhookManager } from '../webhook-manager.js';
import { activityRoutes } from './activity-routes.js';
import { messagePage } from './activity-views.js';
import { apiErrorCodes, apiErrorResponse } from './api-error.js';
import { apiRoutes } from './api-routes.js';
import { type Authorize, authorizationVerdict } from './authorization.js';
import { securityHeaders } from './content-security-policy.js';
import { CsrfGuard } from './csrf-guard.js';

export interface ManagementHandlerOptions {
  /**
   * Required. Decides whether each request may proceed; only `true` lets it through (see
   * `AuthorizationResult`). Without it the handler is not created.
   */
  authorize: Authorize;
  /**
   * The path the host mounts the handler under, such as `/admin/hooks`: the JSON API answers below
   * it (`/admin/hooks/webhooks`), the activity log at `<basePath>/activity`. Default: `''` (the root).
   */
  basePath?: string;
  /**
   * Keys the Resend form's CSRF tokens. Processes behind one load balancer need the same secret.
   * Default: random bytes per handler, so open pages need a reload after a restart.
   */
  csrfSecret?: string | Uint8Array;
  /**
   * Origins besides the request's own whose form posts are accepted, for hosts behind a proxy that
   * changes the scheme or host (`['https://cms.example.com']`). Default: `[]`.
   */
  allowedOrigins?: readonly string[];
  /** Sent as `WWW-Authenticate` with every 401, so a browser can ask for credentials. Default: none. */
  wwwAuthenticate?: string;
  /** The largest request body accepted, in bytes; a larger one is answered 413. Default: 1048576 (1 MiB). */
  maxBodyBytes?: number;
  /** Calls per page of the activity log. Default: 30. */
  pageSize?: number;
  /**
   * Told about anything unexpected (answered 500 with no detail) and about `authorize` throwing.
   * Default: `console.error`.
   */
  onError?: (error: unknown) => void;
}

/** A Fetch API request handler: mount it with `toNodeListener`, or hand it Requests directly. */
export type ManagementHandler = (request: Request) => Promise<Response>;

// Plain segments only: the path becomes part of the router's patterns and of the page's links.
const basePathPattern = /^(\/[A-Za-z0-9._~-]+)*$/;

function checkOptions(options: ManagementHandlerOptions | undefined): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof options?.authorize !== 'function') {
    issues.push({
      path: 'authorize',
      message: 'is required: a function deciding whether a request may proceed (deny by default)',
    });
  }
  const basePath = options?.basePath ?? '';
  if (typeof basePath !== 'string' || !basePathPattern.test(basePath.replace(/\/$/, ''))) {
    issues.push({
      path: 'basePath',
      message: 'must be a path such as "/admin/hooks" (letters, digits and -._~ segments)',
    });
  }
  const pageSize = options?.pageSize ?? 30;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maximumCallPageSize) {
    issues.push({
      path: 'pageSize',
      message: `must be a whole number from 1 to ${maximumCallPageSize}`,
    });
  }
  const maxBodyBytes = options?.maxBodyBytes;
  if (maxBodyBytes !== undefined && (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1)) {
    issues.push({ path: 'maxBodyBytes', message: 'must be a whole number of bytes, at least 1' });
  }
  const secret = options?.csrfSecret;
  if (
    secret !== undefined &&
    Buffer.byteLength(typeof secret === 'string' ? secret : Buffer.from(secret)) < 32
  ) {
    issues.push({ path: 'csrfSecret', message: 'must be at least 32 bytes long' });
  }
  return issues;
}

/**
 * The management handler: DatoCMS's webhook and webhook_call endpoints in its JSON:API format, and
 * the activity-log page, behind `authorize`. Returns a Fetch API handler; see `toNodeListener` for
 * `node:http`, Express and Fastify.
 */
export function createManagementHandler(
  manager: WebhookManager,
  options: ManagementHandlerOptions,
): ManagementHandler {
  const issues = checkOptions(options);
  if (issues.length > 0) throw new HooklineValidationError('management handler options', issues);
  const basePath = (options.basePath ?? '').replace(/\/$/, '');
  const pageBase = `${basePath}/activity`;
  const pageSize = options.pageSize ?? 30;
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const secret = options.csrfSecret ?? randomBytes(32);
  const csrf = new CsrfGuard({
    secret: typeof secret === 'string' ? Buffer.from(secret) : secret,
    cookiePath: pageBase,
    allowedOrigins: options.allowedOrigins ?? [],
  });
  const isPagePath = (path: string) => path === pageBase || path.startsWith(`${pageBase}/`);
  /** A refusal or failure: a short HTML page on the activity log's paths, an api_error elsewhere. */
  const failure = (path: string, status: number, code: string, title: string) =>
    isPagePath(path)
      ? new Response(messagePage(pageBase, title, `${status} ${title}.`).toString(), {
          status,
          headers: { 'Content-Type': 'text/html; charset=utf-8' },
        })
      : apiErrorResponse(status, [{ code, details: {} }]);

  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(securityHeaders)) c.res.headers.set(name, value);
  });
  app.use('*', async (c, next) => {
    const verdict = await authorizationVerdict(options.authorize, c.req.raw, onError);
    if (verdict === 'allowed') return next();
    // The same answer whatever was asked: it reveals neither routes nor ids.
    if (verdict === 'forbidden') {
      return failure(c.req.path, 403, apiErrorCodes.forbidden, 'Forbidden');
    }
    const response = failure(c.req.path, 401, apiErrorCodes.unauthorized, 'Unauthorized');
    if (options.wwwAuthenticate) response.headers.set('WWW-Authenticate', options.wwwAuthenticate);
    return response;
  });
  app.get(basePath === '' ? '/' : basePath, (c) => c.redirect(pageBase, 302));
  app.route(pageBase, activityRoutes(manager, { pageBase, pageSize, maxBodyBytes, csrf }));
  app.route(basePath === '' ? '/' : basePath, apiRoutes(manager, { maxBodyBytes }));
  app.notFound((c) => failure(c.req.path, 404, apiErrorCodes.invalidEndpoint, 'Not found'));
  app.onError((error, c) => {
    onError(error);
    return failure(c.req.path, 500, apiErrorCodes.internal, 'Internal error');
  });

  return async (request) => app.fetch(request);
}
