import type { Trigger, Webhook, WebhookEvent } from '../types.js';
import { eventEntityId } from './event-entity-id.js';

interface CompiledFilter {
  key: string;
  ids: ReadonlySet<string>;
}

interface CompiledTrigger {
  webhook: Webhook;
  /** The webhook's position in creation order, so matches come out in a stable order. */
  rank: number;
  filters: readonly CompiledFilter[];
}

/** The triggers listening to one (entity type, event type) pair. */
interface Bucket {
  unfiltered: CompiledTrigger[];
  /** Filtered triggers, reachable by their first filter: key -> id -> triggers. */
  byFirstFilter: Map<string, Map<string, CompiledTrigger[]>>;
}

const allEvents = '*';

function bucketKey(entityType: string, eventType: string): string {
  return `${entityType}\u0000${eventType}`;
}

function holds(trigger: CompiledTrigger, event: WebhookEvent): boolean {
  return trigger.filters.every((filter) => {
    const id = eventEntityId(event, filter.key);
    return id !== undefined && filter.ids.has(id);
  });
}

/**
 * Finds the enabled webhooks an event matches. Triggers are grouped by entity and event type, and
 * filtered ones are further indexed by the ids of their first filter, so one dispatch looks only at
 * triggers that can plausibly match: its cost grows with the matches, not with all webhooks.
 *
 * A trigger matches when its entity type is the event's, its event types include the event's (or are
 * empty) and every filter holds (AND across filters, OR within a filter's ids).
 */
export class TriggerIndex {
  readonly #buckets = new Map<string, Bucket>();

  constructor(webhooks: readonly Webhook[]) {
    webhooks.forEach((webhook, rank) => {
      if (!webhook.enabled) return;
      for (const trigger of webhook.events) this.#add(webhook, rank, trigger);
    });
  }

  match(event: WebhookEvent): Webhook[] {
    const matched = new Map<string, CompiledTrigger>();
    for (const eventType of [event.eventType, allEvents]) {
      const bucket = this.#buckets.get(bucketKey(event.entityType, eventType));
      if (!bucket) continue;
      for (const trigger of bucket.unfiltered) matched.set(trigger.webhook.id, trigger);
      for (const [key, byId] of bucket.byFirstFilter) {
        const id = eventEntityId(event, key);
        const candidates = id === undefined ? undefined : byId.get(id);
        for (const trigger of candidates ?? []) {
          if (!matched.has(trigger.webhook.id) && holds(trigger, event)) {
            matched.set(trigger.webhook.id, trigger);
          }
        }
      }
    }
    return [...matched.values()].sort((a, b) => a.rank - b.rank).map((trigger) => trigger.webhook);
  }

  #add(webhook: Webhook, rank: number, trigger: Trigger): void {
    const filters = trigger.filters.map((filter) => ({
      key: filter.entityType,
      ids: new Set(filter.entityIds),
    }));
    const compiled: CompiledTrigger = { webhook, rank, filters };
    const eventTypes = trigger.eventTypes.length > 0 ? new Set(trigger.eventTypes) : [allEvents];
    for (const eventType of eventTypes) {
      const key = bucketKey(trigger.entityType, eventType);
      let bucket = this.#buckets.get(key);
      if (!bucket) {
        bucket = { unfiltered: [], byFirstFilter: new Map() };
        this.#buckets.set(key, bucket);
      }
      const first = filters[0];
      if (!first) {
        bucket.unfiltered.push(compiled);
        continue;
      }
      let byId = bucket.byFirstFilter.get(first.key);
      if (!byId) {
        byId = new Map();
        bucket.byFirstFilter.set(first.key, byId);
      }
      for (const id of first.ids) {
        const list = byId.get(id);
        if (list) list.push(compiled);
        else byId.set(id, [compiled]);
      }
    }
  }
}
