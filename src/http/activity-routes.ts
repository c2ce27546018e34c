import { Hono } from 'hono';
import { HooklineConflictError, HooklineNotFoundError } from '../errors.js';
import { callStatuses } from '../schemas/call-query.js';
import type { CallQueryInput, CallStatus } from '../types.js';
import type { WebhookManager } from '../webhook-manager.js';
import { activityStylesheet } from './activity-stylesheet.js';
import {
  type ActivityFilters,
  activityListPage,
  callDetailPage,
  messagePage,
} from './activity-views.js';
import { type CsrfGuard, csrfFieldName } from './csrf-guard.js';
import type { SafeHtml } from './html.js';
import { orNull } from './or-null.js';
import { readLimitedText } from './read-limited-text.js';

export interface ActivityRoutesOptions {
  /** Where the page lives: the handler's base path followed by `/activity`. */
  pageBase: string;
  pageSize: number;
  maxBodyBytes: number;
  csrf: CsrfGuard;
}

const htmlContentType = 'text/html; charset=utf-8';

function htmlResponse(status: number, page: SafeHtml, headers: Record<string, string> = {}) {
  return new Response(page.toString(), {
    status,
    headers: { 'Content-Type': htmlContentType, ...headers },
  });
}

function isStatus(value: string): value is CallStatus {
  return (callStatuses as readonly string[]).includes(value);
}

function readFilters(url: URL): ActivityFilters {
  const status = url.searchParams.get('status') ?? '';
  return {
    webhook: url.searchParams.get('webhook') ?? '',
    status: isStatus(status) ? status : '',
    event: url.searchParams.get('event') ?? '',
  };
}

function callQuery(filters: ActivityFilters): CallQueryInput {
  const query: CallQueryInput = {};
  if (filters.webhook) query.webhookId = filters.webhook;
  if (filters.status) query.status = filters.status;
  if (filters.event) {
    const [entityType, eventType] = filters.event.split('.');
    query.entityType = entityType;
    if (eventType) query.eventType = eventType;
  }
  return query;
}

/** The activity log: the list, a call's detail, the Resend form's target and the stylesheet. */
export function activityRoutes(manager: WebhookManager, options: ActivityRoutesOptions): Hono {
  const { pageBase, pageSize, maxBodyBytes, csrf } = options;
  const routes = new Hono();
  const notFound = () =>
    htmlResponse(404, messagePage(pageBase, 'Not found', 'There is no such call.'));

  routes.get('/style.css', () => {
    return new Response(activityStylesheet, {
      headers: { 'Content-Type': 'text/css; charset=utf-8' },
    });
  });

  routes.get('/', async (c) => {
    const url = new URL(c.req.url);
    const filters = readFilters(url);
    const requested = Number(url.searchParams.get('page'));
    const page = Number.isInteger(requested) && requested >= 1 ? requested : 1;
    const [webhooks, { calls, total }] = await Promise.all([
      manager.listWebhooks(),
      manager.listCalls({ ...callQuery(filters), limit: pageSize, offset: (page - 1) * pageSize }),
    ]);
    const latest = await Promise.all(
      webhooks.map(
        async (webhook) => (await manager.listCalls({ webhookId: webhook.id, limit: 1 })).calls[0],
      ),
    );
    return htmlResponse(
      200,
      activityListPage({
        pageBase,
        webhooks: webhooks.map((webhook, index) => ({ webhook, latest: latest[index] ?? null })),
        calls,
        total,
        page,
        pageSize,
        filters,
        catalog: manager.catalog,
      }),
    );
  });

  routes.get('/calls/:id', async (c) => {
    const id = c.req.param('id');
    const call = await orNull(manager.getCall(id));
    if (!call) return notFound();
    const [webhook, attempts] = await Promise.all([
      orNull(manager.getWebhook(call.webhookId)),
      manager.listAttempts(id),
    ]);
    const { token, setCookie } = csrf.session(c.req.raw);
    const resend = c.req.query('resend');
    return htmlResponse(
      200,
      callDetailPage({
        pageBase,
        call,
        webhook,
        attempts,
        csrfToken: token,
        notice: resend === 'done' ? 'resent' : resend === 'busy' ? 'busy' : null,
      }),
      setCookie ? { 'Set-Cookie': setCookie } : {},
    );
  });

  routes.post('/calls/:id/resend', async (c) => {
    const id = c.req.param('id');
    const text = await readLimitedText(c.req.raw, maxBodyBytes);
    const form = new URLSearchParams(text ?? '');
    if (!csrf.verify(c.req.raw, form.get(csrfFieldName))) {
      return htmlResponse(
        403,
        messagePage(
          pageBase,
          'Request refused',
          'This form did not come from this page. Reload the page and press Resend again.',
        ),
      );
    }
    const detail = `${pageBase}/calls/${encodeURIComponent(id)}`;
    try {
      await manager.resendCall(id);
    } catch (error) {
      if (error instanceof HooklineNotFoundError) return notFound();
      if (error instanceof HooklineConflictError) return c.redirect(`${detail}?resend=busy`, 303);
      throw error;
    }
    return c.redirect(`${detail}?resend=done`, 303);
  });

  return routes;
}
