import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildClient } from '@datocms/cma-client-node';
import express from 'express';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagementHandler, toNodeListener } from '../src/http/index.js';
import { WebhookManager } from '../src/index.js';
import { adminToken, bearerAuthorize } from './support/admin-server.js';
import { listenOnLoopback } from './support/loopback-server.js';

let manager: WebhookManager;

beforeAll(() => {
  manager = new WebhookManager();
});

afterAll(async () => {
  await manager.stop();
});

/** Creates, lists, updates and deletes a webhook through DatoCMS's client, and loads the page. */
async function exercise(baseUrl: string, name: string) {
  const client = buildClient({ apiToken: adminToken, baseUrl, autoRetry: false });
  const created = await client.webhooks.create({
    name,
    url: 'https://example.com/hook',
    custom_payload: null,
    headers: {},
    events: [{ entity_type: 'item', event_types: ['publish'] }],
    http_basic_user: null,
    http_basic_password: null,
  });
  expect((await client.webhooks.list()).map((webhook) => webhook.name)).toContain(name);
  expect(await client.webhooks.update(created.id, { enabled: false })).toMatchObject({
    enabled: false,
  });
  await client.webhooks.destroy(created.id);
  const page = await fetch(`${baseUrl}/activity`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<h1>Webhook activity</h1>');
}

/** The host's `/echo` route answers a JSON body with itself: its body parser still works. */
async function expectHostStillParsesJson(origin: string) {
  const echo = await fetch(`${origin}/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"a":1}',
  });
  expect(await echo.json()).toEqual({ a: 1 });
}

describe('mounting the handler', () => {
  it('on node:http, at the root', async () => {
    const handler = createManagementHandler(manager, { authorize: bearerAuthorize });
    const server = await listenOnLoopback(createServer(toNodeListener(handler)));
    try {
      await exercise(server.origin, 'node:http');
      const root = await fetch(`${server.origin}/`, {
        headers: { authorization: `Bearer ${adminToken}` },
        redirect: 'manual',
      });
      expect(root.headers.get('location')).toBe('/activity');
    } finally {
      await server.close();
    }
  });

  it('on node:http, beside the host’s own routes', async () => {
    const hooks = toNodeListener(
      createManagementHandler(manager, { authorize: bearerAuthorize, basePath: '/admin/hooks' }),
    );
    const server = await listenOnLoopback(
      createServer((request, response) => {
        if (request.url === '/admin/hooks' || request.url?.startsWith('/admin/hooks/')) {
          void hooks(request, response);
        } else {
          response.end('host page');
        }
      }),
    );
    try {
      await exercise(`${server.origin}/admin/hooks`, 'node:http with a base path');
      expect(await (await fetch(`${server.origin}/about`)).text()).toBe('host page');
    } finally {
      await server.close();
    }
  });

  it('on Express 5, before its body parsers', async () => {
    const app = express();
    app.all(
      '/admin/hooks{/*rest}',
      toNodeListener(
        createManagementHandler(manager, { authorize: bearerAuthorize, basePath: '/admin/hooks' }),
      ),
    );
    app.use(express.json());
    app.post('/echo', (request, response) => {
      response.json(request.body);
    });
    const server = await listenOnLoopback(createServer(app));
    try {
      await exercise(`${server.origin}/admin/hooks`, 'Express');
      await expectHostStillParsesJson(server.origin);
    } finally {
      await server.close();
    }
  });

  it('on Fastify 5, in a scope that leaves the body unparsed', async () => {
    const fastify = Fastify();
    const hooks = toNodeListener(
      createManagementHandler(manager, { authorize: bearerAuthorize, basePath: '/admin/hooks' }),
    );
    await fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      const forward = async (request: FastifyRequest, reply: FastifyReply) => {
        reply.hijack();
        await hooks(request.raw, reply.raw);
      };
      scope.all('/admin/hooks', forward);
      scope.all('/admin/hooks/*', forward);
    });
    fastify.post('/echo', async (request) => request.body);
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = fastify.server.address() as AddressInfo;
      const origin = `http://127.0.0.1:${address.port}`;
      await exercise(`${origin}/admin/hooks`, 'Fastify');
      await expectHostStillParsesJson(origin);
    } finally {
      await fastify.close();
    }
  });
});
