import type { Catalog } from '../catalog.js';
import { callStatuses } from '../schemas/call-query.js';
import type { Attempt, CallStatus, Webhook, WebhookCall } from '../types.js';
import { csrfFieldName } from './csrf-guard.js';
import { type HtmlValue, html, type SafeHtml } from './html.js';

/** The filters of the call list, as the form sends them. */
export interface ActivityFilters {
  webhook: string;
  status: CallStatus | '';
  /** `item` (every event of an entity type) or `item.publish`. */
  event: string;
}

export interface ActivityListView {
  pageBase: string;
  webhooks: readonly { webhook: Webhook; latest: WebhookCall | null }[];
  calls: readonly WebhookCall[];
  total: number;
  page: number;
  pageSize: number;
  filters: ActivityFilters;
  catalog: Catalog;
}

export interface CallDetailView {
  pageBase: string;
  call: WebhookCall;
  webhook: Webhook | null;
  attempts: readonly Attempt[];
  csrfToken: string;
  notice: 'resent' | 'busy' | null;
}

function time(date: Date | null): SafeHtml | string {
  if (date === null) return '—';
  const iso = date.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

function statusBadge(status: CallStatus | null): SafeHtml {
  if (status === null) return html`<span class="status status-none">no calls yet</span>`;
  return html`<span class="status status-${status}">${status}</span>`;
}

function outcome(exchange: Pick<WebhookCall, 'responseStatus' | 'error'>): HtmlValue {
  if (exchange.responseStatus !== null) return `HTTP ${exchange.responseStatus}`;
  if (exchange.error) return html`<span class="muted">${exchange.error.code}</span>`;
  return html`<span class="muted">—</span>`;
}

function pretty(payload: string | null): string {
  if (payload === null) return '';
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

function headerTable(headers: Record<string, string> | null): SafeHtml {
  if (!headers || Object.keys(headers).length === 0) return html`<p class="muted">None.</p>`;
  return html`<table class="headers">
    <tbody>
      ${Object.entries(headers).map(
        ([name, value]) =>
          html`<tr><th scope="row">${name}</th><td class="mono">${value}</td></tr>`,
      )}
    </tbody>
  </table>`;
}

export function layout(pageBase: string, title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${pageBase}/style.css">
</head>
<body>
<header><h1>Webhook activity</h1></header>
<main>
${body}
</main>
</body>
</html>`;
}

/** A page that only says what happened (not found, refused). */
export function messagePage(pageBase: string, title: string, message: string): SafeHtml {
  return layout(
    pageBase,
    title,
    html`<h2>${title}</h2><p>${message}</p><p><a href="${pageBase}">Back to the activity log</a></p>`,
  );
}

function listUrl(pageBase: string, filters: ActivityFilters, page: number): string {
  const params = new URLSearchParams();
  if (filters.webhook) params.set('webhook', filters.webhook);
  if (filters.status) params.set('status', filters.status);
  if (filters.event) params.set('event', filters.event);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `${pageBase}?${query}` : pageBase;
}

function option(value: string, label: string, selected: string): SafeHtml {
  return html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;
}

function filterForm(view: ActivityListView): SafeHtml {
  const { filters, catalog } = view;
  return html`<form class="filters" method="get" action="${view.pageBase}">
  <label>Webhook
    <select name="webhook">
      ${option('', 'All webhooks', filters.webhook)}
      ${view.webhooks.map(({ webhook }) => option(webhook.id, webhook.name, filters.webhook))}
    </select>
  </label>
  <label>Status
    <select name="status">
      ${option('', 'Any status', filters.status)}
      ${callStatuses.map((status) => option(status, status, filters.status))}
    </select>
  </label>
  <label>Event
    <select name="event">
      ${option('', 'Any event', filters.event)}
      ${catalog.entityTypes().map(
        (entityType) => html`<optgroup label="${entityType}">
        ${option(entityType, `every ${entityType} event`, filters.event)}
        ${catalog
          .eventTypes(entityType)
          .map((eventType) =>
            option(`${entityType}.${eventType}`, `${entityType}.${eventType}`, filters.event),
          )}
      </optgroup>`,
      )}
    </select>
  </label>
  <button type="submit">Filter</button>
</form>`;
}

function webhooksSection(view: ActivityListView): SafeHtml {
  if (view.webhooks.length === 0)
    return html`<h2>Webhooks</h2><p class="muted">No webhooks yet.</p>`;
  return html`<h2>Webhooks</h2>
<table class="webhooks">
  <thead><tr><th>Name</th><th>URL</th><th>State</th><th>Latest outcome</th></tr></thead>
  <tbody>
    ${view.webhooks.map(
      ({ webhook, latest }) => html`<tr>
      <td><a href="${listUrl(view.pageBase, { webhook: webhook.id, status: '', event: '' }, 1)}">${webhook.name}</a></td>
      <td class="url">${webhook.url}</td>
      <td>${
        webhook.enabled
          ? html`<span class="enabled">enabled</span>`
          : html`<span class="disabled">disabled</span>${webhook.disabledReason ? html` <span class="muted">(${webhook.disabledReason})</span>` : ''}`
      }</td>
      <td>${statusBadge(latest?.status ?? null)} ${latest ? time(latest.lastSentAt ?? latest.createdAt) : ''}</td>
    </tr>`,
    )}
  </tbody>
</table>`;
}

function callsTable(view: ActivityListView): SafeHtml {
  if (view.calls.length === 0) return html`<p class="muted">No calls match.</p>`;
  const names = new Map(view.webhooks.map(({ webhook }) => [webhook.id, webhook.name]));
  return html`<table class="calls">
  <thead><tr><th>Created</th><th>Webhook</th><th>Event</th><th>Status</th><th>Response</th><th></th></tr></thead>
  <tbody>
    ${view.calls.map(
      (call) => html`<tr>
      <td>${time(call.createdAt)}</td>
      <td>${names.get(call.webhookId) ?? call.webhookId}</td>
      <td class="mono">${call.entityType}.${call.eventType}</td>
      <td>${statusBadge(call.status)}</td>
      <td>${outcome(call)}</td>
      <td><a class="details" href="${view.pageBase}/calls/${encodeURIComponent(call.id)}">Details</a></td>
    </tr>`,
    )}
  </tbody>
</table>`;
}

function pagination(view: ActivityListView): SafeHtml {
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  const first = view.total === 0 ? 0 : (view.page - 1) * view.pageSize + 1;
  const last = Math.min(view.total, view.page * view.pageSize);
  return html`<nav class="pages">
  ${view.page > 1 ? html`<a rel="prev" href="${listUrl(view.pageBase, view.filters, view.page - 1)}">« Newer</a>` : ''}
  <span class="muted">${first}–${last} of ${view.total} · page ${view.page} of ${pages}</span>
  ${view.page < pages ? html`<a rel="next" href="${listUrl(view.pageBase, view.filters, view.page + 1)}">Older »</a>` : ''}
</nav>`;
}

/** Webhooks with their state and latest outcome, then the filtered, paged calls, newest first. */
export function activityListPage(view: ActivityListView): SafeHtml {
  return layout(
    view.pageBase,
    'Webhook activity',
    html`${webhooksSection(view)}
<h2>Calls</h2>
${filterForm(view)}
${callsTable(view)}
${pagination(view)}`,
  );
}

function resendForm(view: CallDetailView): HtmlValue {
  if (view.call.status !== 'failed' && view.call.status !== 'rescheduled') return null;
  return html`<form class="resend" method="post" action="${view.pageBase}/calls/${encodeURIComponent(view.call.id)}/resend">
  <input type="hidden" name="${csrfFieldName}" value="${view.csrfToken}">
  <button type="submit">Resend</button>
</form>`;
}

function notice(view: CallDetailView): HtmlValue {
  if (view.notice === 'resent') {
    return html`<p class="notice${view.call.status === 'success' ? '' : ' bad'}" role="status">Resent: the call is now ${view.call.status}.</p>`;
  }
  if (view.notice === 'busy') {
    return html`<p class="notice bad" role="status">The call is being delivered right now; try again in a moment.</p>`;
  }
  return null;
}

/** One call: its facts, a Resend button when it failed, the request, the response and every attempt. */
export function callDetailPage(view: CallDetailView): SafeHtml {
  const { call } = view;
  return layout(
    view.pageBase,
    `Call ${call.id}`,
    html`<p><a href="${view.pageBase}">« All calls</a></p>
<h2>Call <code>${call.id}</code></h2>
${notice(view)}
<dl class="facts">
  <dt>Webhook</dt><dd>${view.webhook ? view.webhook.name : call.webhookId}</dd>
  <dt>Event</dt><dd class="mono">${call.entityType}.${call.eventType}</dd>
  <dt>Status</dt><dd>${statusBadge(call.status)}</dd>
  <dt>Created</dt><dd>${time(call.createdAt)}</dd>
  <dt>Last sent</dt><dd>${time(call.lastSentAt)}</dd>
  <dt>Next retry</dt><dd>${time(call.nextRetryAt)}</dd>
  <dt>Auto-retries</dt><dd>${call.attemptedAutoRetriesCount}</dd>
  <dt>Attempts</dt><dd>${call.attemptsCount}</dd>
  <dt>Duration</dt><dd>${call.durationMs === null ? '—' : `${call.durationMs} ms`}</dd>
  <dt>Error</dt><dd>${call.error ? html`<code>${call.error.code}</code> ${call.error.message}` : '—'}</dd>
</dl>
${resendForm(view)}
<h3>Request</h3>
<p class="mono">POST ${call.requestUrl ?? '(not sent yet)'}</p>
${headerTable(call.requestHeaders)}
<h3>Request payload</h3>
<pre>${pretty(call.requestPayload)}</pre>
<h3>Response ${call.responseStatus === null ? '' : `(HTTP ${call.responseStatus})`}</h3>
${headerTable(call.responseHeaders)}
<h3>Response body</h3>
<pre>${call.responsePayload ?? ''}</pre>
<h3>Attempts</h3>
${
  view.attempts.length === 0
    ? html`<p class="muted">None yet.</p>`
    : html`<table class="attempts">
  <thead><tr><th>Started</th><th>Trigger</th><th>Response</th><th>Duration</th></tr></thead>
  <tbody>
    ${view.attempts.map(
      (attempt) => html`<tr>
      <td>${time(attempt.startedAt)}</td>
      <td>${attempt.trigger.replace('_', ' ')}</td>
      <td>${outcome(attempt)}</td>
      <td>${attempt.durationMs === null ? '—' : `${attempt.durationMs} ms`}</td>
    </tr>`,
    )}
  </tbody>
</table>`
}`,
  );
}
