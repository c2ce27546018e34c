import { renderPayload } from '../payload/render-payload.js';
import { signPayload } from '../signing.js';
import type { TransportRequest } from '../transport/transport.js';
import type { Webhook, WebhookCall } from '../types.js';

export interface BuildRequestOptions {
  attemptedAutoRetriesCount: number;
  now: Date;
  userAgent: string;
}

/** The secrets to sign with now: the current one, and the previous one during its grace period. */
export function signingSecrets(webhook: Webhook, now: Date): string[] {
  const secrets: string[] = [];
  if (webhook.secret !== null) secrets.push(webhook.secret);
  const previousValid =
    webhook.previousSecret !== null &&
    webhook.previousSecretExpiresAt !== null &&
    webhook.previousSecretExpiresAt.getTime() > now.getTime();
  if (previousValid && webhook.previousSecret !== null) secrets.push(webhook.previousSecret);
  return secrets;
}

/**
 * Renders one attempt from the webhook's current settings: body, the webhook's own headers, then the
 * headers hookline owns (validation keeps a webhook from setting those), basic auth and signature.
 */
export function buildRequest(
  webhook: Webhook,
  call: WebhookCall,
  options: BuildRequestOptions,
): TransportRequest {
  const body = renderPayload(webhook, call, options.attemptedAutoRetriesCount);
  // Object.assign, not `{ ...webhook.headers, more }`: V8 (Node 20) builds that form far slower.
  const headers: Record<string, string> = Object.assign({}, webhook.headers, {
    'content-type': 'application/json',
    'user-agent': options.userAgent,
  });
  if (webhook.httpBasicUser !== null && webhook.httpBasicPassword !== null) {
    const credentials = `${webhook.httpBasicUser}:${webhook.httpBasicPassword}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const secrets = signingSecrets(webhook, options.now);
  if (secrets.length > 0) {
    const timestamp = Math.floor(options.now.getTime() / 1000);
    headers['webhook-id'] = call.id;
    headers['webhook-timestamp'] = String(timestamp);
    headers['webhook-signature'] = signPayload(secrets, call.id, timestamp, body);
  }
  return { url: webhook.url, method: 'POST', headers, body };
}
