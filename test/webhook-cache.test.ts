import { describe, expect, it } from 'vitest';
import { MemoryRepository, WebhookManager } from '../src/index.js';
import { RecordingTransport } from '../src/testing/index.js';
import { WebhookCache } from '../src/triggers/webhook-cache.js';
import { webhookInput } from './support/fixtures.js';

describe('WebhookCache.get', () => {
  it('looks a webhook missing from its snapshot up in the repository', async () => {
    const repository = new MemoryRepository();
    const cache = new WebhookCache(repository, () => Number.POSITIVE_INFINITY);
    expect(await cache.get('unknown')).toBeNull();

    // Another process creates a webhook; this cache was not told.
    const other = new WebhookManager({ repository, transport: new RecordingTransport() });
    const created = await other.createWebhook(webhookInput('https://example.com/'));
    expect(await cache.get(created.id)).toEqual(created);
  });

  it('serves later reads from its snapshot until invalidated', async () => {
    const repository = new MemoryRepository();
    const manager = new WebhookManager({ repository, transport: new RecordingTransport() });
    const created = await manager.createWebhook(webhookInput('https://example.com/a'));
    const cache = new WebhookCache(repository, () => Number.POSITIVE_INFINITY);
    expect((await cache.get(created.id))?.url).toBe('https://example.com/a');
    await manager.updateWebhook(created.id, { url: 'https://example.com/b' });
    expect((await cache.get(created.id))?.url).toBe('https://example.com/a');
    cache.invalidate();
    expect((await cache.get(created.id))?.url).toBe('https://example.com/b');
  });
});

describe('WebhookCache fresh reads', () => {
  it('answer only from a loaded snapshot that is neither invalidated nor too old', async () => {
    const repository = new MemoryRepository();
    const manager = new WebhookManager({ repository, transport: new RecordingTransport() });
    const created = await manager.createWebhook(webhookInput('https://example.com/a'));
    let maxAgeMs = Number.POSITIVE_INFINITY;
    const cache = new WebhookCache(repository, () => maxAgeMs);
    expect(cache.freshIndex()).toBeNull();
    expect(cache.freshWebhook(created.id)).toBeUndefined();

    const index = await cache.index();
    expect(cache.freshIndex()).toBe(index);
    expect(cache.freshWebhook(created.id)).toEqual(created);
    expect(cache.freshWebhook('unknown')).toBeUndefined();

    cache.invalidate();
    expect(cache.freshIndex()).toBeNull();
    expect(cache.freshWebhook(created.id)).toBeUndefined();

    await cache.index();
    maxAgeMs = 0;
    expect(cache.freshIndex()).toBeNull();
    expect(cache.freshWebhook(created.id)).toBeUndefined();
  });
});
