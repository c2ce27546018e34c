import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../src/http/index.js';
import type { WebhookCall, WebhookManager } from '../src/index.js';
import { type AdminServer, adminToken, startAdminServer } from './support/admin-server.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { answer } from './support/receiver.js';

const script = '<script>alert(1)</script>';

const { receiver, startManager } = await useDeliveryHarness({
  handler: answer(500, { body: '<img src=x onerror=alert(3)>' }),
});
let manager: WebhookManager;
let server: AdminServer;
let hostileHook: string;
let calls: WebhookCall[];

beforeAll(async () => {
  manager = await startManager();
  server = await startAdminServer(manager, { pageSize: 2 });
  hostileHook = (
    await manager.createWebhook({
      name: script,
      url: `${receiver.url}/hook?q=<img src=x onerror=alert(2)>`,
      events: [{ entityType: 'item' }],
      headers: { 'X-Note': '"><script>alert(4)</script>' },
      autoRetry: false,
    })
  ).id;
  await manager.createWebhook({
    name: 'Quiet',
    url: `${receiver.url}/hook`,
    events: [{ entityType: 'upload' }],
    autoRetry: false,
  });
  calls = [];
  for (const id of ['1', '2', '3']) {
    calls.push(
      ...(await manager.dispatch({
        entityType: 'item',
        eventType: 'update',
        entity: { id, type: 'item' },
      })),
    );
    await manager.idle();
  }
  receiver.handle(answer(200));
  calls.push(
    ...(await manager.dispatch({
      entityType: 'upload',
      eventType: 'create',
      entity: { id: 'u1', type: 'upload' },
    })),
  );
  await manager.idle();
});

afterAll(() => server.close());

function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${server.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${adminToken}`, ...headers },
    redirect: 'manual',
  });
}

/** A browser session on a call's page: its CSRF cookie and the token in its Resend form. */
async function openCall(id: string, on: AdminServer = server) {
  const response = await fetch(`${on.baseUrl}/activity/calls/${id}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const token = /name="csrf_token" value="([^"]+)"/.exec(await response.text())?.[1] ?? '';
  return { cookie, token };
}

function resend(
  id: string,
  options: { cookie?: string; token?: string; headers?: Record<string, string> },
  on: AdminServer = server,
) {
  const body = options.token === undefined ? '' : `csrf_token=${encodeURIComponent(options.token)}`;
  return fetch(`${on.baseUrl}/activity/calls/${id}/resend`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      authorization: `Bearer ${adminToken}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...options.headers,
    },
    body,
  });
}

describe('activity log page', () => {
  it('is served with a strict Content-Security-Policy and no script at all', async () => {
    const response = await get('/activity');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toBe(contentSecurityPolicy);
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const page = await response.text();
    expect(page).not.toMatch(/<script|javascript:/i);
    const stylesheet = await get('/activity/style.css');
    expect(stylesheet.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('escapes every stored value: a webhook named <script>alert(1)</script> shows as text', async () => {
    const list = await (await get('/activity')).text();
    expect(list).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(list).not.toContain(script);
    expect(list).not.toContain('<img');
    const detail = await (await get(`/activity/calls/${calls[0]?.id}`)).text();
    expect(detail).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(detail).toContain('&lt;img src=x onerror=alert(3)&gt;');
    expect(detail).toContain('&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;');
    expect(detail).not.toMatch(/<script|<img/i);
  });

  it('lists webhooks with their state and latest outcome, and calls newest first', async () => {
    const page = await (await get('/activity')).text();
    const webhooks = page.slice(page.indexOf('<table class="webhooks">'), page.indexOf('</table>'));
    expect(webhooks).toContain('status-failed');
    expect(webhooks).toContain('status-success');
    expect(webhooks.match(/class="enabled"/g)).toHaveLength(2);
    const ids = [...page.matchAll(/href="[^"]*\/activity\/calls\/([^"]+)"/g)].map(
      (match) => match[1],
    );
    expect(ids).toEqual([calls[3]?.id, calls[2]?.id]);
    expect(page).toContain('1–2 of 4');
  });

  it('filters by status, webhook and event, and pages with the filters kept', async () => {
    const failed = await (await get('/activity?status=failed')).text();
    expect(failed).toContain('1–2 of 3');
    expect(failed).toContain('<option value="failed" selected>');
    expect(failed).toContain('href="/admin/hooks/activity?status=failed&amp;page=2"');
    const second = await (await get('/activity?status=failed&page=2')).text();
    const ids = [...second.matchAll(/href="[^"]*\/activity\/calls\/([^"]+)"/g)].map(
      (match) => match[1],
    );
    expect(ids).toEqual([calls[0]?.id]);
    const byWebhook = await (await get(`/activity?webhook=${hostileHook}`)).text();
    expect(byWebhook).toContain('of 3');
    const byEvent = await (await get('/activity?event=upload.create')).text();
    expect(byEvent).toContain('1–1 of 1');
    const byEntity = await (await get('/activity?event=item')).text();
    expect(byEntity).toContain('of 3');
  });

  it('shows a call’s request, headers, payload and response, with a Resend button when it failed', async () => {
    const detail = await (await get(`/activity/calls/${calls[0]?.id}`)).text();
    expect(detail).toContain('&quot;entity_type&quot;: &quot;item&quot;');
    expect(detail).toContain('HTTP 500');
    expect(detail).toContain('<button type="submit">Resend</button>');
    const succeeded = await (await get(`/activity/calls/${calls[3]?.id}`)).text();
    expect(succeeded).not.toContain('Resend</button>');
    expect((await get('/activity/calls/nope')).status).toBe(404);
  });
});

describe('Resend form', () => {
  it('gives each browser an HttpOnly, SameSite=Strict cookie scoped to the page', async () => {
    const response = await get(`/activity/calls/${calls[0]?.id}`);
    expect(response.headers.get('set-cookie')).toMatch(
      /^hookline_csrf=[A-Za-z0-9_-]{43}; Path=\/admin\/hooks\/activity; HttpOnly; SameSite=Strict$/,
    );
  });

  it('refuses posts without the token, with a wrong one or one from another browser', async () => {
    const id = calls[1]?.id ?? '';
    const mine = await openCall(id);
    const theirs = await openCall(id);
    const before = (await manager.listAttempts(id)).length;
    for (const attempt of [
      {},
      { cookie: mine.cookie },
      { token: mine.token },
      { cookie: mine.cookie, token: 'forged' },
      { cookie: mine.cookie, token: theirs.token },
    ]) {
      const response = await resend(id, attempt);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('Request refused');
    }
    expect(await manager.listAttempts(id)).toHaveLength(before);
  });

  it('refuses a cross-site post even with a valid cookie and token', async () => {
    const id = calls[1]?.id ?? '';
    const session = await openCall(id);
    const crossSite: Record<string, string>[] = [
      { origin: 'http://attacker.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of crossSite) {
      expect((await resend(id, { ...session, headers })).status).toBe(403);
    }
  });

  it('resends on a same-origin post and shows the new outcome', async () => {
    const id = calls[1]?.id ?? '';
    const session = await openCall(id);
    const response = await resend(id, { ...session, headers: { origin: server.origin } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/admin/hooks/activity/calls/${id}?resend=done`);
    expect((await manager.getCall(id)).status).toBe('success');
    const page = await (
      await get(`/activity/calls/${id}?resend=done`, { cookie: session.cookie })
    ).text();
    expect(page).toContain('Resent: the call is now success.');
    expect(page).not.toContain('Resend</button>');
  });

  it('accepts an origin listed in allowedOrigins', async () => {
    const proxied = await startAdminServer(manager, {
      allowedOrigins: ['https://cms.example.com'],
      csrfSecret: 'x'.repeat(32),
    });
    try {
      const id = calls[2]?.id ?? '';
      const session = await openCall(id, proxied);
      const headers = { origin: 'https://cms.example.com' };
      expect((await resend(id, { ...session, headers }, proxied)).status).toBe(303);
    } finally {
      await proxied.close();
    }
  });
});
