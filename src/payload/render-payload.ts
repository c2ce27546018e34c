import type { Webhook, WebhookCall } from '../types.js';
import { renderCustomPayload } from './custom-payload.js';
import { defaultPayload } from './default-payload.js';

/** The body of one attempt: the webhook's custom template if it has one, else the default JSON. */
export function renderPayload(
  webhook: Webhook,
  call: WebhookCall,
  attemptedAutoRetriesCount: number,
): string {
  const body = defaultPayload(call, attemptedAutoRetriesCount);
  return webhook.customPayload === null
    ? JSON.stringify(body)
    : renderCustomPayload(webhook.customPayload, body);
}
