import { beforeEach, describe, expect, it } from 'vitest';
import type { WebhookManager } from '../src/index.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { recordEvent, webhookInput } from './support/fixtures.js';
import { until } from './support/until.js';

const { receiver, createManager } = await useDeliveryHarness({
  manager: { retrySchedule: [20, 40], pollIntervalMs: 50 },
});
let manager: WebhookManager;

beforeEach(() => {
  manager = createManager();
});

describe('WebhookManager delivery over real HTTP', () => {
  it('posts DatoCMS’s default body once per matching webhook', async () => {
    const first = await manager.createWebhook(webhookInput(`${receiver.url}/first`));
    await manager.createWebhook(
      webhookInput(`${receiver.url}/second`, {
        events: [{ entityType: 'item', eventTypes: ['publish'] }],
      }),
    );
    await manager.createWebhook(
      webhookInput(`${receiver.url}/uploads`, { events: [{ entityType: 'upload' }] }),
    );
    await manager.start();

    const triggeredAt = new Date('2026-12-04T10:00:00.000Z');
    const calls = await manager.dispatch(recordEvent('publish', '293467', '44', { triggeredAt }));
    expect(calls.map((call) => call.status)).toEqual(['pending', 'pending']);
    await manager.idle();

    expect(receiver.requests).toHaveLength(2);
    const [request] = receiver.requestsTo('/first');
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toMatch(/^hookline\/\d+\.\d+\.\d+/);
    expect(JSON.parse(request?.body.toString() ?? '')).toEqual({
      webhook_id: first.id,
      webhook_call_id: calls[0]?.id,
      environment: 'main',
      event_triggered_at: '2026-12-04T10:00:00.000Z',
      attempted_auto_retries_count: 0,
      entity_type: 'item',
      event_type: 'publish',
      entity: {
        id: '293467',
        type: 'item',
        attributes: { title: 'Record 293467' },
        relationships: { item_type: { data: { id: '44', type: 'item_type' } } },
      },
      previous_entity: null,
      related_entities: [],
    });
    expect(receiver.requestsTo('/second')).toHaveLength(1);
    expect(receiver.requestsTo('/uploads')).toHaveLength(0);
  });

  it('takes the event as it was at dispatch: later changes to the host’s objects change nothing', async () => {
    await manager.createWebhook(webhookInput(`${receiver.url}/hook`));
    const event = recordEvent('publish', '293467', '44');
    const [call] = await manager.dispatch(event);
    const attributes = event.entity.attributes as { title: string };
    attributes.title = 'changed after dispatch';
    await manager.start();
    await manager.idle();

    const sent = JSON.parse(receiver.requestsTo('/hook')[0]?.body.toString() ?? '');
    expect(sent.entity.attributes.title).toBe('Record 293467');
    expect(call?.event.entity.attributes).toEqual({ title: 'Record 293467' });
    const stored = await manager.getCall(call?.id ?? '');
    expect(stored.event.entity.attributes).toEqual({ title: 'Record 293467' });
  });

  it('includes and excludes by filters', async () => {
    await manager.createWebhook(
      webhookInput(`${receiver.url}/blog`, {
        events: [{ entityType: 'item', filters: [{ entityType: 'item_type', entityIds: ['44'] }] }],
      }),
    );
    await manager.createWebhook(
      webhookInput(`${receiver.url}/sandbox`, {
        events: [
          { entityType: 'item', filters: [{ entityType: 'environment', entityIds: ['sandbox'] }] },
        ],
      }),
    );
    await manager.start();
    await manager.dispatch(recordEvent('update', '1', '44'));
    await manager.dispatch(recordEvent('update', '2', '45'));
    await manager.dispatch(recordEvent('update', '3', '45', { environment: 'sandbox' }));
    await manager.idle();

    const entityIds = (path: string) =>
      receiver.requestsTo(path).map((request) => JSON.parse(request.body.toString()).entity.id);
    expect(entityIds('/blog')).toEqual(['1']);
    expect(entityIds('/sandbox')).toEqual(['3']);
  });

  it('logs every delivery with its request and response', async () => {
    receiver.handle((_request, response) => {
      response.writeHead(201, { 'x-receiver': 'yes' }).end('created');
    });
    const hook = await manager.createWebhook(
      webhookInput(`${receiver.url}/log`, { headers: { 'X-Site': 'blog' } }),
    );
    await manager.start();
    const [created] = await manager.dispatch(recordEvent('create', '9', '44'));
    await manager.idle();

    const call = await manager.getCall(created?.id ?? '');
    expect(call).toMatchObject({
      webhookId: hook.id,
      entityType: 'item',
      eventType: 'create',
      status: 'success',
      requestUrl: `${receiver.url}/log`,
      responseStatus: 201,
      responsePayload: 'created',
      error: null,
      attemptsCount: 1,
      attemptedAutoRetriesCount: 0,
      nextRetryAt: null,
    });
    expect(call.requestHeaders).toMatchObject({
      'X-Site': 'blog',
      'content-type': 'application/json',
    });
    expect(call.responseHeaders).toMatchObject({ 'x-receiver': 'yes' });
    expect(JSON.parse(call.requestPayload ?? '')).toMatchObject({ webhook_call_id: call.id });
    expect(call.lastSentAt).toBeInstanceOf(Date);
    expect(call.durationMs).toBeGreaterThanOrEqual(0);

    const attempts = await manager.listAttempts(call.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      callId: call.id,
      trigger: 'dispatch',
      responseStatus: 201,
    });

    const { calls, total } = await manager.listCalls({ webhookId: hook.id, status: 'success' });
    expect(total).toBe(1);
    expect(calls[0]?.id).toBe(call.id);
  });

  it('reschedules a failing endpoint and succeeds on an auto-retry', async () => {
    let failuresLeft = 2;
    receiver.handle((_request, response) => {
      const status = failuresLeft-- > 0 ? 500 : 200;
      response.writeHead(status).end(String(status));
    });
    await manager.createWebhook(webhookInput(`${receiver.url}/flaky`));
    const statuses: string[] = [];
    manager.on('call:rescheduled', ({ call }) => statuses.push(call.status));
    manager.on('call:succeeded', ({ call }) => statuses.push(call.status));
    await manager.start();
    const [created] = await manager.dispatch(recordEvent('update', '1', '44'));
    await manager.idle({ includeRetries: true });

    expect(statuses).toEqual(['rescheduled', 'rescheduled', 'success']);
    const call = await manager.getCall(created?.id ?? '');
    expect(call).toMatchObject({
      status: 'success',
      attemptedAutoRetriesCount: 2,
      attemptsCount: 3,
    });
    const attempts = await manager.listAttempts(call.id);
    expect(attempts.map((attempt) => [attempt.trigger, attempt.responseStatus])).toEqual([
      ['dispatch', 500],
      ['auto_retry', 500],
      ['auto_retry', 200],
    ]);
    expect(
      receiver.requests.map(
        (request) => JSON.parse(request.body.toString()).attempted_auto_retries_count,
      ),
    ).toEqual([0, 1, 2]);
  });

  it('fails once the schedule is used up, then a resend delivers and is recorded', async () => {
    receiver.handle((_request, response) => {
      response.writeHead(503).end('down');
    });
    await manager.createWebhook(webhookInput(`${receiver.url}/down`));
    await manager.start();
    const [created] = await manager.dispatch(recordEvent('update', '1', '44'));
    await manager.idle({ includeRetries: true });

    const failed = await manager.getCall(created?.id ?? '');
    expect(failed).toMatchObject({
      status: 'failed',
      attemptsCount: 3,
      attemptedAutoRetriesCount: 2,
    });
    expect(failed.error).toMatchObject({ code: 'HTTP_ERROR' });

    receiver.handle((_request, response) => {
      response.writeHead(200).end('back');
    });
    const resent = await manager.resendCall(failed.id);
    expect(resent).toMatchObject({
      status: 'success',
      attemptsCount: 4,
      attemptedAutoRetriesCount: 2,
      responseStatus: 200,
      responsePayload: 'back',
      error: null,
    });
    const attempts = await manager.listAttempts(failed.id);
    expect(attempts.map((attempt) => attempt.trigger)).toEqual([
      'dispatch',
      'auto_retry',
      'auto_retry',
      'resend',
    ]);
    expect(
      new Set(
        receiver.requests.map((request) => JSON.parse(request.body.toString()).webhook_call_id),
      ),
    ).toEqual(new Set([failed.id]));
  });

  it('stop() waits for attempts in flight, and a new manager delivers what was left', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    receiver.handle((_request, response) => {
      held.then(() => response.writeHead(200).end('late'));
    });
    const repository = manager.repository;
    await manager.createWebhook(webhookInput(`${receiver.url}/slow`));
    await manager.start();
    const calls = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        manager.dispatch(recordEvent('update', String(index), '44')),
      ),
    );
    // Two in flight (perWebhookConcurrency 2); the rest wait.
    await until(() => receiver.requests.length >= 2);
    const stopped = manager.stop();
    release();
    await stopped;
    const afterStop = await manager.listCalls({ status: 'success' });
    expect(afterStop.total).toBe(2);

    const successor = createManager({ repository, transport: manager.transport });
    await successor.start();
    await successor.idle();
    const { calls: settled } = await successor.listCalls({ limit: 10 });
    expect(settled.map((call) => call.status)).toEqual(Array(5).fill('success'));
    expect(
      new Set(receiver.requests.map((request) => JSON.parse(request.body.toString()).entity.id)),
    ).toEqual(new Set(calls.flat().map((call) => call.event.entity.id)));
    expect(receiver.requests).toHaveLength(5);
  });
});
