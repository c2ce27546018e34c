import { describe, expect, it } from 'vitest';
import { buildEvent, buildWebhook } from '../src/testing/builders.js';
import { TriggerIndex } from '../src/triggers/trigger-index.js';
import type { Trigger, Webhook, WebhookEvent } from '../src/types.js';

/** A webhook whose triggers default to every record event. */
function webhook(events: Partial<Trigger>[], enabled = true): Webhook {
  return buildWebhook({
    enabled,
    events: events.map((trigger) => ({
      entityType: 'item',
      eventTypes: [],
      filters: [],
      ...trigger,
    })),
  });
}

/** A record event of model `modelId`, as stored after validation. */
function recordEvent(
  eventType: string,
  id: string,
  modelId: string,
  environment = 'main',
): WebhookEvent {
  return buildEvent({
    eventType,
    environment,
    entity: {
      id,
      type: 'item',
      relationships: { item_type: { data: { id: modelId, type: 'item_type' } } },
    },
  });
}

const ids = (webhooks: Webhook[]) => webhooks.map((hook) => hook.id);

describe('TriggerIndex.match', () => {
  it('matches on entity type, and on event type when listed (empty means all)', () => {
    const all = webhook([{ entityType: 'item' }]);
    const publish = webhook([{ entityType: 'item', eventTypes: ['publish'] }]);
    const uploads = webhook([{ entityType: 'upload' }]);
    const index = new TriggerIndex([all, publish, uploads]);
    expect(ids(index.match(recordEvent('publish', '1', '44')))).toEqual([all.id, publish.id]);
    expect(ids(index.match(recordEvent('update', '1', '44')))).toEqual([all.id]);
  });

  it('requires every filter to hold (AND) and any id within one filter (OR)', () => {
    const byModel = webhook([{ filters: [{ entityType: 'item_type', entityIds: ['44', '45'] }] }]);
    const byModelAndRecord = webhook([
      {
        filters: [
          { entityType: 'item_type', entityIds: ['44'] },
          { entityType: 'item', entityIds: ['7'] },
        ],
      },
    ]);
    const index = new TriggerIndex([byModel, byModelAndRecord]);
    expect(ids(index.match(recordEvent('update', '7', '44')))).toEqual([
      byModel.id,
      byModelAndRecord.id,
    ]);
    expect(ids(index.match(recordEvent('update', '8', '45')))).toEqual([byModel.id]);
    expect(ids(index.match(recordEvent('update', '7', '46')))).toEqual([]);
  });

  it('filters by environment, which defaults to main on events', () => {
    const sandbox = webhook([{ filters: [{ entityType: 'environment', entityIds: ['sandbox'] }] }]);
    const main = webhook([{ filters: [{ entityType: 'environment', entityIds: ['main'] }] }]);
    const index = new TriggerIndex([sandbox, main]);
    expect(ids(index.match(recordEvent('update', '1', '44', 'sandbox')))).toEqual([sandbox.id]);
    expect(ids(index.match(recordEvent('update', '1', '44')))).toEqual([main.id]);
  });

  it('takes a model filter from the entity id on model events', () => {
    const model = webhook([
      { entityType: 'item_type', filters: [{ entityType: 'item_type', entityIds: ['44'] }] },
    ]);
    const index = new TriggerIndex([model]);
    const event: WebhookEvent = {
      ...recordEvent('update', '44', 'unused'),
      entityType: 'item_type',
      entity: { id: '44', type: 'item_type' },
    };
    expect(ids(index.match(event))).toEqual([model.id]);
  });

  it('never matches a disabled webhook, and matches a webhook once however many triggers fit', () => {
    const disabled = webhook([{ entityType: 'item' }], false);
    const twice = webhook([
      { eventTypes: ['update'] },
      { filters: [{ entityType: 'item', entityIds: ['1'] }] },
    ]);
    const index = new TriggerIndex([disabled, twice]);
    expect(ids(index.match(recordEvent('update', '1', '44')))).toEqual([twice.id]);
  });

  it('does not match when the event lacks the filtered relationship', () => {
    const byModel = webhook([{ filters: [{ entityType: 'item_type', entityIds: ['44'] }] }]);
    const index = new TriggerIndex([byModel]);
    const event = { ...recordEvent('update', '1', '44'), entity: { id: '1', type: 'item' } };
    expect(index.match(event)).toEqual([]);
  });
});
