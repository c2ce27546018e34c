import type { CallUpdate } from '../../repository/repository.js';
import type {
  Attempt,
  AttemptTrigger,
  CallError,
  CallStatus,
  Exchange,
  Trigger,
  Webhook,
  WebhookCall,
  WebhookEvent,
} from '../../types.js';

/**
 * The SQL adapters store the same columns (snake_case names of the public fields) and differ only
 * in how a database hands back dates and JSON: `pg` parses both, SQLite returns numbers and text.
 */
export interface ValueCodec {
  /** A stored timestamp as a `Date`. */
  date(value: unknown): Date;
  /** A stored JSON document as a value. */
  json(value: unknown): unknown;
}

export type Row = Record<string, unknown>;

/** Webhook columns, in the order the insert statements bind them. */
export const webhookColumns = [
  'id',
  'name',
  'url',
  'events',
  'headers',
  'http_basic_user',
  'http_basic_password',
  'secret',
  'custom_payload',
  'enabled',
  'auto_retry',
  'created_at',
  'updated_at',
  'previous_secret',
  'previous_secret_expires_at',
  'disabled_reason',
  'failing_since',
] as const;

/** The exchange columns shared by calls and attempts, in the order the statements bind them. */
export const exchangeColumns = [
  'request_url',
  'request_headers',
  'request_payload',
  'response_status',
  'response_headers',
  'response_payload',
  'error_code',
  'error_message',
  'duration_ms',
] as const;

/** Call columns an attempt's outcome changes, in the order the complete statements bind them. */
export const callUpdateColumns = [
  'status',
  'last_sent_at',
  'next_retry_at',
  'attempted_auto_retries_count',
  'attempts_count',
  ...exchangeColumns,
] as const;

/** Call columns written on insert: the fixed ones, then those an outcome changes. */
export const callColumns = [
  'id',
  'webhook_id',
  'entity_type',
  'event_type',
  'event',
  'created_at',
  ...callUpdateColumns,
] as const;

/** Attempt columns, in the order the complete statements bind them. */
export const attemptColumns = [
  'id',
  'call_id',
  'trigger',
  'started_at',
  ...exchangeColumns,
] as const;

/** How a value is bound: dates and JSON are turned into what the driver accepts. */
export interface ValueEncoder {
  date(value: Date): unknown;
  boolean(value: boolean): unknown;
}

const json = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

function exchangeValues(exchange: Exchange): unknown[] {
  return [
    exchange.requestUrl,
    json(exchange.requestHeaders),
    exchange.requestPayload,
    exchange.responseStatus,
    json(exchange.responseHeaders),
    exchange.responsePayload,
    exchange.error?.code ?? null,
    exchange.error?.message ?? null,
    exchange.durationMs,
  ];
}

const nullableDate = (encode: ValueEncoder, value: Date | null): unknown =>
  value === null ? null : encode.date(value);

export function webhookValues(webhook: Webhook, encode: ValueEncoder): unknown[] {
  return [
    webhook.id,
    webhook.name,
    webhook.url,
    JSON.stringify(webhook.events),
    JSON.stringify(webhook.headers),
    webhook.httpBasicUser,
    webhook.httpBasicPassword,
    webhook.secret,
    webhook.customPayload,
    encode.boolean(webhook.enabled),
    encode.boolean(webhook.autoRetry),
    encode.date(webhook.createdAt),
    encode.date(webhook.updatedAt),
    webhook.previousSecret,
    nullableDate(encode, webhook.previousSecretExpiresAt),
    webhook.disabledReason,
    nullableDate(encode, webhook.failingSince),
  ];
}

export function callValues(call: WebhookCall, encode: ValueEncoder): unknown[] {
  return [
    call.id,
    call.webhookId,
    call.entityType,
    call.eventType,
    JSON.stringify(call.event),
    encode.date(call.createdAt),
    // A call carries every field of an update; binding them one way keeps the two lists in step.
    ...callUpdateValues(call, encode),
  ];
}

export function callUpdateValues(update: CallUpdate, encode: ValueEncoder): unknown[] {
  return [
    update.status,
    nullableDate(encode, update.lastSentAt),
    nullableDate(encode, update.nextRetryAt),
    update.attemptedAutoRetriesCount,
    update.attemptsCount,
    ...exchangeValues(update),
  ];
}

export function attemptValues(attempt: Attempt, encode: ValueEncoder): unknown[] {
  return [
    attempt.id,
    attempt.callId,
    attempt.trigger,
    encode.date(attempt.startedAt),
    ...exchangeValues(attempt),
  ];
}

const text = (value: unknown): string => value as string;
const nullableText = (value: unknown): string | null => (value ?? null) as string | null;
const nullableNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

function decodeError(row: Row): CallError | null {
  if (row.error_code === null || row.error_code === undefined) return null;
  return { code: text(row.error_code), message: text(row.error_message ?? '') };
}

function decodeExchange(row: Row, codec: ValueCodec): Exchange {
  return {
    requestUrl: nullableText(row.request_url),
    requestHeaders: (row.request_headers == null
      ? null
      : codec.json(row.request_headers)) as Exchange['requestHeaders'],
    requestPayload: nullableText(row.request_payload),
    responseStatus: nullableNumber(row.response_status),
    responseHeaders: (row.response_headers == null
      ? null
      : codec.json(row.response_headers)) as Exchange['responseHeaders'],
    responsePayload: nullableText(row.response_payload),
    error: decodeError(row),
    durationMs: nullableNumber(row.duration_ms),
  };
}

const decodeNullableDate = (codec: ValueCodec, value: unknown): Date | null =>
  value === null || value === undefined ? null : codec.date(value);

export function decodeWebhook(row: Row, codec: ValueCodec): Webhook {
  return {
    id: text(row.id),
    name: text(row.name),
    url: text(row.url),
    events: codec.json(row.events) as Trigger[],
    headers: codec.json(row.headers) as Record<string, string>,
    httpBasicUser: nullableText(row.http_basic_user),
    httpBasicPassword: nullableText(row.http_basic_password),
    secret: nullableText(row.secret),
    customPayload: nullableText(row.custom_payload),
    enabled: Boolean(row.enabled),
    autoRetry: Boolean(row.auto_retry),
    createdAt: codec.date(row.created_at),
    updatedAt: codec.date(row.updated_at),
    previousSecret: nullableText(row.previous_secret),
    previousSecretExpiresAt: decodeNullableDate(codec, row.previous_secret_expires_at),
    disabledReason: nullableText(row.disabled_reason),
    failingSince: decodeNullableDate(codec, row.failing_since),
  };
}

/** The stored event is JSON, so its one date comes back as text. */
function decodeEvent(value: unknown, codec: ValueCodec): WebhookEvent {
  const event = codec.json(value) as WebhookEvent & { triggeredAt: string | Date };
  return { ...event, triggeredAt: new Date(event.triggeredAt) };
}

export function decodeCall(row: Row, codec: ValueCodec): WebhookCall {
  return {
    id: text(row.id),
    webhookId: text(row.webhook_id),
    entityType: text(row.entity_type),
    eventType: text(row.event_type),
    event: decodeEvent(row.event, codec),
    status: text(row.status) as CallStatus,
    createdAt: codec.date(row.created_at),
    lastSentAt: decodeNullableDate(codec, row.last_sent_at),
    nextRetryAt: decodeNullableDate(codec, row.next_retry_at),
    attemptedAutoRetriesCount: Number(row.attempted_auto_retries_count),
    attemptsCount: Number(row.attempts_count),
    ...decodeExchange(row, codec),
  };
}

export function decodeAttempt(row: Row, codec: ValueCodec): Attempt {
  return {
    id: text(row.id),
    callId: text(row.call_id),
    trigger: text(row.trigger) as AttemptTrigger,
    startedAt: codec.date(row.started_at),
    ...decodeExchange(row, codec),
  };
}
