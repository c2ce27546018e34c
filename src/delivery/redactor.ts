import type { Webhook } from '../types.js';

export const redacted = '[REDACTED]';

/** The strings of a webhook that must never be stored or emitted. */
function sensitiveValues(webhook: Webhook): string[] {
  const values: string[] = [];
  if (webhook.httpBasicUser !== null && webhook.httpBasicPassword !== null) {
    values.push(
      Buffer.from(`${webhook.httpBasicUser}:${webhook.httpBasicPassword}`).toString('base64'),
      webhook.httpBasicPassword,
    );
  }
  for (const secret of [webhook.secret, webhook.previousSecret ?? null]) {
    if (secret !== null) values.push(secret, secret.slice('whsec_'.length));
  }
  for (const [name, value] of Object.entries(webhook.headers)) {
    if (name.toLowerCase() === 'authorization' && value.length > 0) values.push(value);
  }
  // A receiver echoing them inside JSON escapes quotes and backslashes; catch that spelling too.
  const spellings = values.flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]);
  // Longest first, so a value containing another is replaced whole.
  return [...new Set(spellings)]
    .filter((value) => value.length >= 4)
    .sort((a, b) => b.length - a.length);
}

/**
 * Removes a webhook's secrets from what is recorded about its calls. `Authorization` is replaced
 * outright, and every other string is scrubbed of the password, the secret and the credentials, so a
 * receiver that echoes request headers into its response cannot leak them into the call log.
 */
export class Redactor {
  readonly #values: string[];

  constructor(webhook: Webhook) {
    this.#values = sensitiveValues(webhook);
  }

  text(value: string): string {
    let result = value;
    for (const secret of this.#values) {
      if (result.includes(secret)) result = result.split(secret).join(redacted);
    }
    return result;
  }

  headers(headers: Readonly<Record<string, string>>): Record<string, string> {
    const clean: Record<string, string> = {};
    // for...in rather than Object.entries: this runs twice per attempt, and entries allocates an
    // array per header.
    for (const name in headers) {
      if (!Object.hasOwn(headers, name)) continue;
      clean[name] =
        name.toLowerCase() === 'authorization' ? redacted : this.text(headers[name] as string);
    }
    return clean;
  }
}

const redactors = new WeakMap<Webhook, Redactor>();

/**
 * The redactor of a webhook object that is never changed in place, such as the webhook cache's
 * snapshots (an edit replaces them): built once, not for every attempt.
 */
export function redactorOf(webhook: Webhook): Redactor {
  let redactor = redactors.get(webhook);
  if (!redactor) {
    redactor = new Redactor(webhook);
    redactors.set(webhook, redactor);
  }
  return redactor;
}

/** A webhook as it may be shown or emitted: password and secrets replaced. */
export function redactWebhook(webhook: Webhook): Webhook {
  return {
    ...webhook,
    httpBasicPassword: webhook.httpBasicPassword === null ? null : redacted,
    secret: webhook.secret === null ? null : redacted,
    previousSecret: webhook.previousSecret == null ? null : redacted,
    headers: new Redactor(webhook).headers(webhook.headers),
  };
}
