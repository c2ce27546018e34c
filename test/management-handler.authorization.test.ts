import { ApiError, buildClient } from '@datocms/cma-client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagementHandler, type ManagementHandlerOptions } from '../src/http/index.js';
import { HooklineValidationError, WebhookManager } from '../src/index.js';
import { type AdminServer, adminToken, startAdminServer } from './support/admin-server.js';
import { errorFrom } from './support/error-from.js';

let manager: WebhookManager;
let server: AdminServer;
let webhookId: string;

beforeAll(async () => {
  manager = new WebhookManager();
  server = await startAdminServer(manager);
  webhookId = (
    await manager.createWebhook({
      name: 'Private',
      url: 'https://example.com/private-hook',
      events: [{ entityType: 'item' }],
    })
  ).id;
});

afterAll(async () => {
  await manager.stop();
  await server.close();
});

/** Status and body of a request, with the per-response error id blanked out. */
async function probe(path: string, init: RequestInit = {}) {
  const response = await fetch(`${server.baseUrl}${path}`, init);
  const text = (await response.text()).replace(/"id":"[0-9a-f]{6}"/g, '"id":"*"');
  return { status: response.status, type: response.headers.get('content-type'), text };
}

describe('createManagementHandler', () => {
  it('refuses to be created without authorize', () => {
    const create = () =>
      createManagementHandler(manager, {} as unknown as ManagementHandlerOptions);
    expect(create).toThrow(HooklineValidationError);
    expect(create).toThrow(/authorize: is required/);
  });

  it('refuses a bad basePath, pageSize or short csrfSecret', () => {
    const authorize = () => true;
    expect(() => createManagementHandler(manager, { authorize, basePath: 'admin' })).toThrow(
      /basePath/,
    );
    expect(() => createManagementHandler(manager, { authorize, pageSize: 0 })).toThrow(/pageSize/);
    expect(() => createManagementHandler(manager, { authorize, csrfSecret: 'short' })).toThrow(
      /csrfSecret/,
    );
  });
});

describe('authorization', () => {
  it('answers 401 to DatoCMS’s client with a wrong token, as an ApiError', async () => {
    const client = buildClient({ apiToken: 'wrong', baseUrl: server.baseUrl, autoRetry: false });
    const error = await errorFrom(() => client.webhooks.list(), ApiError);
    expect(error.response.status).toBe(401);
    expect(error.errors.map((entry) => entry.attributes)).toEqual([
      { code: 'INVALID_AUTHORIZATION_HEADER', details: {} },
    ]);
  });

  it('reveals nothing: the same answer for real ids, unknown ids, unknown routes and the page', async () => {
    const answers = await Promise.all(
      [
        `/webhooks/${webhookId}`,
        '/webhooks/00000000-0000-4000-8000-000000000000',
        '/no-such-route',
        '/webhook_calls?filter[fields][status][eq]=failed',
      ].map((path) => probe(path)),
    );
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]?.status).toBe(401);
    expect(answers[0]?.text).not.toContain('Private');
    const page = await probe('/activity');
    expect(page.status).toBe(401);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.text).not.toContain('Private');
    expect(page.text).not.toContain('example.com');
  });

  it('answers 403 when authorize says forbidden, and changes nothing', async () => {
    const response = await probe(`/webhooks/${webhookId}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer forbidden-token' },
    });
    expect(response.status).toBe(403);
    expect(response.text).toContain('INSUFFICIENT_PERMISSIONS');
    expect((await manager.getWebhook(webhookId)).name).toBe('Private');
  });

  it('denies by default: only a literal true lets a request through', async () => {
    const errors: unknown[] = [];
    const answers: unknown[] = ['yes', 1, {}, undefined, null];
    for (const answer of answers) {
      const guarded = await startAdminServer(manager, {
        authorize: () => answer as boolean,
      });
      try {
        expect((await fetch(`${guarded.baseUrl}/webhooks`)).status).toBe(401);
      } finally {
        await guarded.close();
      }
    }
    const throwing = await startAdminServer(manager, {
      authorize: () => {
        throw new Error('session store down');
      },
      onError: (error) => errors.push(error),
    });
    try {
      const response = await fetch(`${throwing.baseUrl}/webhooks`);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain('session store');
      expect(errors).toHaveLength(1);
    } finally {
      await throwing.close();
    }
  });

  it('lets an allowed request through, and sends WWW-Authenticate when configured', async () => {
    const allowed = await fetch(`${server.baseUrl}/webhooks`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(allowed.status).toBe(200);
    const challenging = await startAdminServer(manager, { wwwAuthenticate: 'Basic realm="hooks"' });
    try {
      const response = await fetch(`${challenging.baseUrl}/activity`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="hooks"');
    } finally {
      await challenging.close();
    }
  });

  it('passes authorize the request itself, and guards paths outside basePath too', async () => {
    const seen: string[] = [];
    const recorded = await startAdminServer(manager, {
      authorize: (request) => {
        seen.push(`${request.method} ${new URL(request.url).pathname}`);
        return request.headers.get('x-admin') === 'yes';
      },
    });
    try {
      expect(
        (await fetch(`${recorded.baseUrl}/webhooks`, { headers: { 'x-admin': 'yes' } })).status,
      ).toBe(200);
      expect((await fetch(`${recorded.origin}/elsewhere`)).status).toBe(401);
      expect(seen).toEqual(['GET /admin/hooks/webhooks', 'GET /elsewhere']);
    } finally {
      await recorded.close();
    }
  });
});
