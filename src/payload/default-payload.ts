import type { WebhookCall } from '../types.js';

/** The JSON body a receiver gets when the webhook has no custom payload (DatoCMS's fields). */
export interface DefaultPayload {
  webhook_id: string;
  webhook_call_id: string;
  environment: string;
  event_triggered_at: string;
  /** Auto-retries attempted so far, this attempt included when it is one; 0 on the first delivery. */
  attempted_auto_retries_count: number;
  entity_type: string;
  event_type: string;
  entity: Record<string, unknown>;
  previous_entity: Record<string, unknown> | null;
  related_entities: Record<string, unknown>[];
}

export function defaultPayload(
  call: WebhookCall,
  attemptedAutoRetriesCount: number,
): DefaultPayload {
  const { event } = call;
  return {
    webhook_id: call.webhookId,
    webhook_call_id: call.id,
    environment: event.environment,
    event_triggered_at: event.triggeredAt.toISOString(),
    attempted_auto_retries_count: attemptedAutoRetriesCount,
    entity_type: event.entityType,
    event_type: event.eventType,
    entity: event.entity,
    previous_entity: event.previousEntity,
    related_entities: event.relatedEntities,
  };
}
