import { describe, expectTypeOf, it } from 'vitest';
import {
  type Attempt,
  type HooklineEvents,
  HooklineTransportError,
  type Repository,
  type TransportErrorCode,
  type UpdateWebhookOptions,
  type Webhook,
  type WebhookCall,
  WebhookManager,
} from '../src/index.js';

describe('public types', () => {
  const manager = new WebhookManager();

  it('types manager results', () => {
    expectTypeOf(manager.createWebhook).returns.resolves.toEqualTypeOf<Webhook>();
    expectTypeOf(manager.dispatch).returns.resolves.toEqualTypeOf<WebhookCall[]>();
    expectTypeOf(manager.listCalls).returns.resolves.toEqualTypeOf<{
      calls: WebhookCall[];
      total: number;
    }>();
    expectTypeOf(manager.listAttempts).returns.resolves.toEqualTypeOf<Attempt[]>();
    expectTypeOf(manager.resendCall).returns.resolves.toEqualTypeOf<WebhookCall>();
  });

  it('types event payloads by event name', () => {
    manager.on('call:attempt', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<{ call: WebhookCall; attempt: Attempt }>();
    });
    manager.on('webhook:disabled', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<HooklineEvents['webhook:disabled']>();
      expectTypeOf(payload.reason).toBeString();
    });
    // @ts-expect-error: not an event hookline emits
    manager.on('call:deleted', () => undefined);
  });

  it('refuses malformed input at compile time where it can', () => {
    // @ts-expect-error: url is required
    void manager.createWebhook({ name: 'x', events: [{ entityType: 'item' }] });
    // @ts-expect-error: status is a known union
    void manager.listCalls({ status: 'done' });
  });

  it('still accepts a repository written before updateWebhook took options', () => {
    type EarlierRepository = Omit<Repository, 'updateWebhook'> & {
      updateWebhook(webhook: Webhook): Promise<boolean>;
    };
    expectTypeOf<EarlierRepository>().toExtend<Repository>();
    expectTypeOf<Parameters<Repository['updateWebhook']>[1]>().toEqualTypeOf<
      UpdateWebhookOptions | undefined
    >();
  });

  it('types transport error codes', () => {
    expectTypeOf(
      new HooklineTransportError('TIMEOUT', 'slow').code,
    ).toEqualTypeOf<TransportErrorCode>();
    // @ts-expect-error: not a transport error code
    new HooklineTransportError('SLOW', 'slow');
  });
});
