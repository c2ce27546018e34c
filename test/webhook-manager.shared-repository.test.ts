import { describe, expect, it } from 'vitest';
import { MemoryRepository, type Repository, WebhookManager } from '../src/index.js';
import { RecordingTransport } from '../src/testing/index.js';
import { recordEvent, webhookInput } from './support/fixtures.js';

/** The same repository without change notifications, as a third-party adapter might be. */
function withoutNotifications(repository: Repository): Repository {
  return new Proxy(repository, {
    get(target, property) {
      if (property === 'subscribe') return undefined;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('managers sharing one repository', () => {
  it('a manager that never started sees another manager’s new webhooks once its cache ages out', async () => {
    const repository = withoutNotifications(new MemoryRepository());
    const dispatcher = new WebhookManager({
      repository,
      transport: new RecordingTransport(),
      pollIntervalMs: 20,
    });
    const editor = new WebhookManager({ repository, transport: new RecordingTransport() });
    expect(await dispatcher.dispatch(recordEvent('update', '0', '44'))).toEqual([]);
    await editor.createWebhook(webhookInput('https://example.com/late'));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await dispatcher.dispatch(recordEvent('update', '1', '44'))).toHaveLength(1);
  });

  it('lets a started manager see webhooks changed by another through notifications', async () => {
    const repository = new MemoryRepository();
    const transport = new RecordingTransport();
    const worker = new WebhookManager({ repository, transport, pollIntervalMs: 60_000 });
    const editor = new WebhookManager({ repository, transport: new RecordingTransport() });
    await worker.start();
    expect(await worker.dispatch(recordEvent('update', '0', '44'))).toEqual([]);
    await editor.createWebhook(webhookInput('https://example.com/new'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await worker.dispatch(recordEvent('update', '1', '44'))).toHaveLength(1);
    await worker.idle();
    await worker.stop();
    expect(transport.requests).toHaveLength(1);
  });
});
