import type { WebhookCall } from '../types.js';

const isoOrNull = (date: Date | null) => (date === null ? null : date.toISOString());

/**
 * A call as DatoCMS's `webhook_call` resource. The exchange fields describe the latest attempt and
 * were redacted when recorded. `error`, `duration_ms` and `attempts_count` are hookline's additions.
 */
export function webhookCallResource(call: WebhookCall) {
  return {
    id: call.id,
    type: 'webhook_call' as const,
    attributes: {
      entity_type: call.entityType,
      event_type: call.eventType,
      created_at: call.createdAt.toISOString(),
      request_url: call.requestUrl,
      request_headers: call.requestHeaders,
      request_payload: call.requestPayload,
      response_status: call.responseStatus,
      response_headers: call.responseHeaders,
      response_payload: call.responsePayload,
      attempted_auto_retries_count: call.attemptedAutoRetriesCount,
      last_sent_at: isoOrNull(call.lastSentAt),
      next_retry_at: isoOrNull(call.nextRetryAt),
      status: call.status,
      error: call.error,
      duration_ms: call.durationMs,
      attempts_count: call.attemptsCount,
    },
    relationships: {
      webhook: { data: { id: call.webhookId, type: 'webhook' as const } },
    },
  };
}
