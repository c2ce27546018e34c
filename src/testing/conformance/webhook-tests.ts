import { describe, expect, it } from 'vitest';
import { duplicateWebhookNameError, HooklineValidationError } from '../../errors.js';
import type { ConformanceContext } from './conformance-context.js';
import { at, deliverOnce, makeCall, makeWebhook } from './fixtures.js';

async function expectDuplicateName(promise: Promise<unknown>, name: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HooklineValidationError);
  const expected = duplicateWebhookNameError(name);
  expect((error as HooklineValidationError).message).toBe(expected.message);
  expect((error as HooklineValidationError).issues).toEqual(expected.issues);
}

export function describeWebhooks(context: ConformanceContext): void {
  describe('webhooks', () => {
    it('stores a webhook and returns it field for field, dates and JSON included', async () => {
      const webhook = makeWebhook('w1', {
        previousSecret: 'whsec_b2xkIHNlY3JldCBvbGQgc2VjcmV0IG9sZCBzZWM=',
        previousSecretExpiresAt: at(86_400_001),
        disabledReason: 'the receiver answered 410 Gone',
        failingSince: at(3_600_007),
        enabled: false,
        autoRetry: false,
        httpBasicUser: null,
        httpBasicPassword: null,
        secret: null,
        customPayload: null,
      });
      await context.repository.insertWebhook(webhook);
      const stored = await context.repository.getWebhook('w1');
      expect(stored).toEqual(webhook);
      expect(stored?.createdAt).toBeInstanceOf(Date);
      expect(stored?.previousSecretExpiresAt?.getTime()).toBe(
        webhook.previousSecretExpiresAt?.getTime(),
      );
      expect(Object.keys(stored?.headers ?? {})).toEqual(Object.keys(webhook.headers));
    });

    it('keeps copies: changing what went in or came out changes nothing stored', async () => {
      const webhook = makeWebhook('w1');
      await context.repository.insertWebhook(webhook);
      webhook.name = 'changed';
      webhook.events[0]?.eventTypes.push('delete');
      const first = await context.repository.getWebhook('w1');
      if (!first) throw new Error('webhook missing');
      first.headers['X-Site'] = 'changed';
      first.createdAt.setTime(0);
      const second = await context.repository.getWebhook('w1');
      expect(second).toEqual(makeWebhook('w1'));
    });

    it('returns null for an unknown webhook', async () => {
      expect(await context.repository.getWebhook('missing')).toBeNull();
    });

    it('lists webhooks oldest first, ties by id', async () => {
      await context.repository.insertWebhook(makeWebhook('w3', { createdAt: at(2_000) }));
      await context.repository.insertWebhook(makeWebhook('w2', { createdAt: at(1_000) }));
      await context.repository.insertWebhook(makeWebhook('w1', { createdAt: at(2_000) }));
      const listed = await context.repository.listWebhooks();
      expect(listed.map((webhook) => webhook.id)).toEqual(['w2', 'w1', 'w3']);
      expect(listed[0]).toEqual(makeWebhook('w2', { createdAt: at(1_000) }));
    });

    it('refuses a second webhook with the same name', async () => {
      await context.repository.insertWebhook(makeWebhook('w1', { name: 'Rebuild site' }));
      await expectDuplicateName(
        context.repository.insertWebhook(makeWebhook('w2', { name: 'Rebuild site' })),
        'Rebuild site',
      );
      expect((await context.repository.listWebhooks()).map((webhook) => webhook.id)).toEqual([
        'w1',
      ]);
    });

    it('replaces a webhook on update, and reports an unknown one', async () => {
      await context.repository.insertWebhook(makeWebhook('w1'));
      const changed = makeWebhook('w1', {
        name: 'Renamed',
        url: 'https://example.org/new',
        headers: {},
        events: [{ entityType: 'upload', eventTypes: [], filters: [] }],
        updatedAt: at(5_000),
      });
      expect(await context.repository.updateWebhook(changed)).toBe(true);
      expect(await context.repository.getWebhook('w1')).toEqual(changed);
      expect(await context.repository.updateWebhook(makeWebhook('missing'))).toBe(false);
      expect(await context.repository.getWebhook('missing')).toBeNull();
    });

    it('refuses to rename a webhook to a name another one has, but keeps its own', async () => {
      await context.repository.insertWebhook(makeWebhook('w1', { name: 'One' }));
      await context.repository.insertWebhook(makeWebhook('w2', { name: 'Two' }));
      await expectDuplicateName(
        context.repository.updateWebhook(makeWebhook('w2', { name: 'One' })),
        'One',
      );
      expect((await context.repository.getWebhook('w2'))?.name).toBe('Two');
      expect(
        await context.repository.updateWebhook(
          makeWebhook('w2', { name: 'Two', url: 'https://example.com/2' }),
        ),
      ).toBe(true);
    });

    it('deletes a webhook with its calls and their attempts', async () => {
      const repository = context.repository;
      await repository.insertWebhook(makeWebhook('w1'));
      await repository.insertWebhook(makeWebhook('w2', { createdAt: at(1) }));
      const doomed = makeCall('c1', 'w1');
      await repository.insertCalls([doomed, makeCall('c2', 'w2')]);
      await deliverOnce(repository, doomed, at(10));
      expect(await repository.deleteWebhook('w1')).toBe(true);
      expect(await repository.getWebhook('w1')).toBeNull();
      expect(await repository.getCall('c1')).toBeNull();
      expect(await repository.listAttempts('c1')).toEqual([]);
      expect((await repository.getCall('c2'))?.webhookId).toBe('w2');
      expect(await repository.deleteWebhook('w1')).toBe(false);
      // The name is free again.
      await repository.insertWebhook(makeWebhook('w3', { name: 'Webhook w1' }));
    });
  });
}
