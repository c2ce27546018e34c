import { describe, expect, it } from 'vitest';
import { failedTooLong, nextFailingSince } from '../src/delivery/failure-streak.js';
import type { HooklineEvents } from '../src/events.js';
import { MemoryRepository } from '../src/repository/memory-repository.js';
import type { UpdateWebhookOptions } from '../src/repository/repository.js';
import type { Webhook } from '../src/types.js';
import { WebhookManager } from '../src/webhook-manager.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { publishEvent, webhookInput } from './support/fixtures.js';

const { receiver, startManager } = await useDeliveryHarness({
  manager: { retrySchedule: [30, 60] },
});

/** A memory repository that counts webhook writes, to check they happen only on a change. */
class CountingRepository extends MemoryRepository {
  webhookWrites = 0;

  override async updateWebhook(webhook: Webhook, options?: UpdateWebhookOptions): Promise<boolean> {
    this.webhookWrites += 1;
    return super.updateWebhook(webhook, options);
  }
}

describe('every retry renders the request from the webhook’s current settings', () => {
  it('a retry goes to the URL, headers, auth and secret set after the failure', async () => {
    const manager = await startManager();
    const hook = await manager.createWebhook(
      webhookInput(`${receiver.url}/before`, {
        headers: { 'X-Version': '1' },
        httpBasicUser: 'old',
        httpBasicPassword: 'old-password',
      }),
    );
    receiver.handle(async (request, response) => {
      if (request.url === '/before') {
        // The change lands while the first attempt is still waiting for its answer.
        await manager.updateWebhook(hook.id, {
          url: `${receiver.url}/after`,
          headers: { 'X-Version': '2' },
          httpBasicUser: 'new',
          httpBasicPassword: 'new-password',
        });
        response.statusCode = 503;
      }
      response.end();
    });
    const [call] = await manager.dispatch(publishEvent());
    await manager.idle({ includeRetries: true });
    const received = receiver.requests.filter((request) =>
      ['/before', '/after'].includes(request.url),
    );
    expect(received.map((request) => [request.url, request.headers['x-version']])).toEqual([
      ['/before', '1'],
      ['/after', '2'],
    ]);
    const credentials = Buffer.from(
      (received[1]?.headers.authorization ?? '').slice(6),
      'base64',
    ).toString();
    expect(credentials).toBe('new:new-password');
    const stored = await manager.getCall(call?.id ?? '');
    expect(stored).toMatchObject({ status: 'success', attemptedAutoRetriesCount: 1 });
    expect(stored.requestUrl).toBe(`${receiver.url}/after`);
    const attempts = await manager.listAttempts(stored.id);
    expect(attempts.map((attempt) => [attempt.trigger, attempt.requestUrl])).toEqual([
      ['dispatch', `${receiver.url}/before`],
      ['auto_retry', `${receiver.url}/after`],
    ]);

    // A resend uses the settings of the moment too.
    await manager.updateWebhook(hook.id, { url: `${receiver.url}/resent` });
    receiver.handle((_request, response) => response.end());
    const resent = await manager.resendCall(stored.id);
    expect(resent.requestUrl).toBe(`${receiver.url}/resent`);
    expect(receiver.requests.at(-1)?.url).toBe('/resent');
  });
});

describe('failure streak (failingSince)', () => {
  it('nextFailingSince keeps the start of a run of failures and clears it on success', () => {
    const first = new Date('2026-12-04T10:00:00Z');
    const later = new Date('2026-12-04T11:00:00Z');
    expect(nextFailingSince(null, false, first)).toBe(first);
    expect(nextFailingSince(first, false, later)).toBe(first);
    expect(nextFailingSince(first, true, later)).toBeNull();
    expect(nextFailingSince(null, true, later)).toBeNull();
  });

  it('failedTooLong needs a limit and a run at least that long', () => {
    const since = new Date('2026-12-04T10:00:00Z');
    const now = new Date('2026-12-09T10:00:00Z');
    const fiveDays = 5 * 86_400_000;
    expect(failedTooLong(since, now, fiveDays)).toBe(true);
    expect(failedTooLong(since, new Date(now.getTime() - 1), fiveDays)).toBe(false);
    expect(failedTooLong(since, now, undefined)).toBe(false);
    expect(failedTooLong(null, now, fiveDays)).toBe(false);
  });

  it('is written only when it changes: once when failing starts, once on recovery', async () => {
    const repository = new CountingRepository();
    const manager = await startManager({ repository });
    const hook = await manager.createWebhook(webhookInput(`${receiver.url}/streak`));
    receiver.handle((_request, response) => response.end());
    for (const id of ['1', '2', '3']) await manager.dispatch(publishEvent(id));
    await manager.idle();
    expect(repository.webhookWrites).toBe(0);

    let failuresLeft = 2;
    receiver.handle((_request, response) => {
      response.statusCode = failuresLeft > 0 ? 500 : 200;
      failuresLeft -= 1;
      response.end();
    });
    await manager.dispatch(publishEvent('4'));
    await manager.idle();
    const failing = await manager.getWebhook(hook.id);
    expect(failing.failingSince).toBeInstanceOf(Date);
    expect(repository.webhookWrites).toBe(1);
    await manager.idle({ includeRetries: true });
    expect(repository.webhookWrites).toBe(2);
    const recovered = await manager.getWebhook(hook.id);
    expect(recovered.failingSince).toBeNull();
    expect(recovered.enabled).toBe(true);
  });

  it('disableAfterFailingForMs disables a webhook failing that long, with a reason and an event', async () => {
    const disabled: HooklineEvents['webhook:disabled'][] = [];
    const manager = await startManager({ disableAfterFailingForMs: 1, retrySchedule: [30, 60] });
    manager.on('webhook:disabled', (payload) => disabled.push(payload));
    const hook = await manager.createWebhook(webhookInput(`${receiver.url}/failing`));
    receiver.handle((_request, response) => {
      response.statusCode = 500;
      response.end();
    });
    const [call] = await manager.dispatch(publishEvent());
    await manager.idle({ includeRetries: true });
    const webhook = await manager.getWebhook(hook.id);
    expect(webhook.enabled).toBe(false);
    expect(webhook.disabledReason).toMatch(/failed since .* disableAfterFailingForMs/);
    expect(disabled).toHaveLength(1);
    expect(disabled[0]?.reason).toBe(webhook.disabledReason);
    expect(disabled[0]?.webhook).toMatchObject({ id: hook.id, enabled: false });
    // The schedule had room for one more retry; the disabled webhook does not get it.
    const stored = await manager.getCall(call?.id ?? '');
    expect(stored.status).toBe('failed');
    expect((await manager.listAttempts(stored.id)).length).toBeLessThanOrEqual(2);

    // Re-enabling starts a new streak.
    const enabled = await manager.updateWebhook(hook.id, { enabled: true });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it('never disables without the option', async () => {
    const manager = await startManager({ retrySchedule: [10, 10, 10] });
    const hook = await manager.createWebhook(webhookInput(`${receiver.url}/failing-forever`));
    receiver.handle((_request, response) => {
      response.statusCode = 500;
      response.end();
    });
    await manager.dispatch(publishEvent());
    await manager.idle({ includeRetries: true });
    const webhook = await manager.getWebhook(hook.id);
    expect(webhook.enabled).toBe(true);
    expect(webhook.failingSince).toBeInstanceOf(Date);
  });

  it('refuses a disableAfterFailingForMs that is not a positive whole number', () => {
    expect(() => new WebhookManager({ disableAfterFailingForMs: 0 })).toThrow(
      /disableAfterFailingForMs/,
    );
  });
});
