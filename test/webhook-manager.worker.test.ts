import { describe, expect, it } from 'vitest';
import { type HooklineEvents, WebhookManager } from '../src/index.js';
import { RecordingTransport } from '../src/testing/index.js';
import { recordEvent, webhookInput } from './support/fixtures.js';
import { until } from './support/until.js';

/** A transport whose replies wait until released, counting how many requests are open at once. */
function gatedTransport() {
  const open = new Map<string, number>();
  const peak = new Map<string, number>();
  let releaseAll: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => {
    releaseAll = resolve;
  });
  const transport = new RecordingTransport(async (request) => {
    const now = (open.get(request.url) ?? 0) + 1;
    open.set(request.url, now);
    peak.set(request.url, Math.max(peak.get(request.url) ?? 0, now));
    await gate;
    open.set(request.url, (open.get(request.url) ?? 1) - 1);
    return { status: 200 };
  });
  return {
    transport,
    peak,
    totalOpen: () => [...open.values()].reduce((sum, count) => sum + count, 0),
    release() {
      releaseAll();
      gate = new Promise<void>((resolve) => {
        releaseAll = resolve;
      });
    },
  };
}

describe('DeliveryWorker concurrency', () => {
  it('keeps one slow webhook from taking every slot', async () => {
    const gated = gatedTransport();
    const manager = new WebhookManager({
      transport: gated.transport,
      concurrency: 4,
      perWebhookConcurrency: 2,
    });
    await manager.createWebhook(
      webhookInput('https://slow.example/a', { events: [{ entityType: 'item' }] }),
    );
    await manager.createWebhook(
      webhookInput('https://fast.example/b', { events: [{ entityType: 'upload' }] }),
    );
    await manager.start();
    for (let index = 0; index < 10; index += 1)
      await manager.dispatch(recordEvent('update', String(index), '44'));
    await manager.dispatch({
      entityType: 'upload',
      eventType: 'create',
      entity: { id: 'u1', type: 'upload' },
    });

    // The slow webhook holds its two slots; the upload call still gets through.
    await until(() =>
      gated.transport.requests.some((request) => request.url === 'https://fast.example/b'),
    );
    expect(gated.totalOpen()).toBe(3);
    await until(() => {
      gated.release();
      return gated.transport.requests.length >= 11;
    });
    gated.release();
    await manager.idle();
    await manager.stop();
    expect(gated.peak.get('https://slow.example/a')).toBe(2);
    expect((await manager.listCalls({ status: 'success' })).total).toBe(11);
  });

  it('never runs more than `concurrency` attempts at once', async () => {
    const gated = gatedTransport();
    const manager = new WebhookManager({
      transport: gated.transport,
      concurrency: 3,
      perWebhookConcurrency: 3,
    });
    for (const name of ['a', 'b', 'c']) {
      await manager.createWebhook(webhookInput(`https://${name}.example/`, { name }));
    }
    await manager.start();
    for (let index = 0; index < 4; index += 1)
      await manager.dispatch(recordEvent('update', String(index), '44'));
    await until(() => gated.totalOpen() === 3);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(gated.totalOpen()).toBe(3);
    await until(async () => {
      gated.release();
      return (await manager.listCalls({ status: 'success' })).total >= 12;
    });
    await manager.stop();
  });
});

describe('WebhookManager events', () => {
  it('emits the lifecycle of a call with object payloads', async () => {
    const transport = new RecordingTransport().reply(
      { status: 500 },
      { error: 'CONNECTION_RESET' },
    );
    const manager = new WebhookManager({ transport, retrySchedule: [5, 5] });
    const seen: string[] = [];
    const names = [
      'call:created',
      'call:attempt',
      'call:succeeded',
      'call:rescheduled',
      'call:failed',
    ] as const;
    for (const name of names) {
      manager.on(name, (payload: HooklineEvents[typeof name]) =>
        seen.push(`${name} ${payload.call.status}`),
      );
    }
    await manager.createWebhook(webhookInput('https://example.com/'));
    await manager.start();
    await manager.dispatch(recordEvent('update', '1', '44'));
    await manager.idle({ includeRetries: true });
    await manager.stop();
    expect(seen).toEqual([
      'call:created pending',
      'call:attempt rescheduled',
      'call:rescheduled rescheduled',
      'call:attempt rescheduled',
      'call:rescheduled rescheduled',
      'call:attempt success',
      'call:succeeded success',
    ]);
    const [call] = (await manager.listCalls()).calls;
    const attempts = await manager.listAttempts(call?.id ?? '');
    expect(attempts.map((attempt) => attempt.error?.code ?? attempt.responseStatus)).toEqual([
      'HTTP_ERROR',
      'CONNECTION_RESET',
      200,
    ]);
  });

  it('reports a throwing listener on `error` and keeps delivering', async () => {
    const manager = new WebhookManager({ transport: new RecordingTransport() });
    const errors: unknown[] = [];
    const delivered: string[] = [];
    manager.on('call:succeeded', () => {
      throw new Error('listener broke');
    });
    manager.on('call:succeeded', ({ call }) => delivered.push(call.id));
    manager.on('error', ({ error }) => errors.push(error));
    await manager.createWebhook(webhookInput('https://example.com/'));
    await manager.start();
    await manager.dispatch(recordEvent('update', '1', '44'));
    await manager.dispatch(recordEvent('update', '2', '44'));
    await manager.idle();
    await manager.stop();
    expect(delivered).toHaveLength(2);
    expect(errors).toHaveLength(2);
    expect(String(errors[0])).toMatch(/listener broke/);
  });

  it('stops calling a listener after off()', async () => {
    const manager = new WebhookManager({ transport: new RecordingTransport() });
    let count = 0;
    const listener = () => {
      count += 1;
    };
    manager.on('call:created', listener);
    await manager.createWebhook(webhookInput('https://example.com/'));
    await manager.dispatch(recordEvent('update', '1', '44'));
    manager.off('call:created', listener);
    await manager.dispatch(recordEvent('update', '2', '44'));
    expect(count).toBe(1);
  });
});

describe('WebhookManager retry and resend rules', () => {
  it('does not auto-retry when the webhook has autoRetry off', async () => {
    const transport = new RecordingTransport({ status: 500 });
    const manager = new WebhookManager({ transport, retrySchedule: [5] });
    await manager.createWebhook(webhookInput('https://example.com/', { autoRetry: false }));
    await manager.start();
    const [call] = await manager.dispatch(recordEvent('update', '1', '44'));
    await manager.idle({ includeRetries: true });
    await manager.stop();
    expect(await manager.getCall(call?.id ?? '')).toMatchObject({
      status: 'failed',
      attemptsCount: 1,
    });
  });

  it('drops a planned retry when autoRetry is switched off before it is due', async () => {
    const transport = new RecordingTransport({ status: 500 });
    // Long enough that the retry cannot come due before autoRetry is switched off.
    const manager = new WebhookManager({ transport, retrySchedule: [500], retryJitter: 0 });
    const hook = await manager.createWebhook(webhookInput('https://example.com/'));
    await manager.start();
    const [call] = await manager.dispatch(recordEvent('update', '1', '44'));
    await manager.idle();
    expect((await manager.getCall(call?.id ?? '')).status).toBe('rescheduled');
    await manager.updateWebhook(hook.id, { autoRetry: false });
    await manager.idle({ includeRetries: true });
    await manager.stop();
    expect(await manager.getCall(call?.id ?? '')).toMatchObject({
      status: 'failed',
      error: { code: 'AUTO_RETRY_DISABLED' },
      attemptsCount: 1,
      nextRetryAt: null,
    });
    expect(transport.requests).toHaveLength(1);
  });

  it('a successful resend stops the planned auto-retries; a failed one does not count as one', async () => {
    const transport = new RecordingTransport({ status: 500 });
    const manager = new WebhookManager({ transport, retrySchedule: [60_000] });
    await manager.createWebhook(webhookInput('https://example.com/'));
    await manager.start();
    const [created] = await manager.dispatch(recordEvent('update', '1', '44'));
    await manager.idle();
    const rescheduled = await manager.getCall(created?.id ?? '');
    expect(rescheduled.status).toBe('rescheduled');

    const failedResend = await manager.resendCall(rescheduled.id);
    expect(failedResend).toMatchObject({
      status: 'rescheduled',
      nextRetryAt: rescheduled.nextRetryAt,
      attemptedAutoRetriesCount: 0,
      attemptsCount: 2,
    });

    transport.replyAlways({ status: 204 });
    const resent = await manager.resendCall(rescheduled.id);
    expect(resent).toMatchObject({ status: 'success', nextRetryAt: null, attemptsCount: 3 });
    await manager.stop();
    expect(transport.requests).toHaveLength(3);
  });

  it('fails waiting calls of a disabled webhook without sending, but still resends them on request', async () => {
    const transport = new RecordingTransport();
    const manager = new WebhookManager({ transport });
    const hook = await manager.createWebhook(webhookInput('https://example.com/'));
    const [call] = await manager.dispatch(recordEvent('update', '1', '44'));
    await manager.updateWebhook(hook.id, { enabled: false });
    await manager.start();
    await manager.idle();
    expect(await manager.getCall(call?.id ?? '')).toMatchObject({
      status: 'failed',
      error: { code: 'WEBHOOK_DISABLED' },
      attemptsCount: 0,
    });
    expect(transport.requests).toHaveLength(0);
    expect(await manager.dispatch(recordEvent('update', '2', '44'))).toEqual([]);

    expect(await manager.resendCall(call?.id ?? '')).toMatchObject({
      status: 'success',
      attemptsCount: 1,
    });
    await manager.stop();
  });

  it('deleting a webhook deletes its calls', async () => {
    const manager = new WebhookManager({ transport: new RecordingTransport() });
    const hook = await manager.createWebhook(webhookInput('https://example.com/'));
    await manager.dispatch(recordEvent('update', '1', '44'));
    await manager.deleteWebhook(hook.id);
    expect(await manager.listCalls()).toEqual({ calls: [], total: 0 });
  });
});
