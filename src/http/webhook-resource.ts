import { redacted, redactWebhook } from '../delivery/redactor.js';
import type { Webhook, WebhookPatch } from '../types.js';

/** Hookline has no use for these DatoCMS attributes; they are accepted, checked for type and ignored. */
const ignoredAttributes: Readonly<Record<string, 'string' | 'boolean'>> = {
  payload_api_version: 'string',
  nested_items_in_payload: 'boolean',
};

/** JSON API attribute -> `WebhookInput` field. `secret` is hookline's own (DatoCMS has none). */
const attributeFields = {
  name: 'name',
  url: 'url',
  custom_payload: 'customPayload',
  headers: 'headers',
  events: 'events',
  http_basic_user: 'httpBasicUser',
  http_basic_password: 'httpBasicPassword',
  secret: 'secret',
  enabled: 'enabled',
  auto_retry: 'autoRetry',
} as const satisfies Record<string, keyof WebhookPatch>;

type AttributeName = keyof typeof attributeFields;

/** A problem with the document itself, named by the attribute the client sent. */
export interface FieldIssue {
  field: string;
  message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAttributeName(key: string): key is AttributeName {
  return Object.hasOwn(attributeFields, key);
}

/**
 * Renames the keys of one object by `names`; keys it does not know become issues at `path`. Values
 * are passed on unchecked: the manager's schema validates them and names the field.
 */
function renameKeys(
  value: unknown,
  names: Readonly<Record<string, string>>,
  path: string,
  issues: FieldIssue[],
): unknown {
  if (!isRecord(value)) return value;
  const renamed: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = names[key];
    if (name === undefined) issues.push({ field: `${path}.${key}`, message: 'unknown attribute' });
    else renamed[name] = inner;
  }
  return renamed;
}

/** DatoCMS's `events` shape to hookline's triggers; `filters: null` means none. */
function readEvents(value: unknown, issues: FieldIssue[]): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((trigger, index) => {
    const path = `events[${index}]`;
    const renamed = renameKeys(
      trigger,
      { entity_type: 'entityType', event_types: 'eventTypes', filters: 'filters' },
      path,
      issues,
    );
    if (!isRecord(renamed)) return renamed;
    if (renamed.filters === null) renamed.filters = [];
    if (Array.isArray(renamed.filters)) {
      renamed.filters = renamed.filters.map((filter, filterIndex) =>
        renameKeys(
          filter,
          { entity_type: 'entityType', entity_ids: 'entityIds' },
          `${path}.filters[${filterIndex}]`,
          issues,
        ),
      );
    }
    return renamed;
  });
}

/** The fields a JSON:API webhook document sets, and what is wrong with the document itself. */
export interface WebhookDocument {
  fields: WebhookPatch;
  issues: FieldIssue[];
}

/**
 * Reads `{"data": {"type": "webhook", "attributes": {...}}}` into manager fields. `id` is the id in
 * the URL of an update: a document naming another one is refused.
 */
export function readWebhookDocument(body: unknown, id?: string): WebhookDocument {
  const issues: FieldIssue[] = [];
  const fields: Record<string, unknown> = {};
  const data = isRecord(body) ? body.data : undefined;
  if (!isRecord(data)) {
    issues.push({
      field: 'data',
      message: 'must be a JSON:API resource: {"data": {"type": "webhook", "attributes": {...}}}',
    });
    return { fields, issues };
  }
  if (data.type !== 'webhook') issues.push({ field: 'type', message: 'must be "webhook"' });
  if (id !== undefined && data.id !== undefined && data.id !== id) {
    issues.push({ field: 'id', message: 'does not match the id in the URL' });
  }
  const attributes = data.attributes ?? {};
  if (!isRecord(attributes)) {
    issues.push({ field: 'attributes', message: 'must be an object' });
    return { fields, issues };
  }
  for (const [key, value] of Object.entries(attributes)) {
    const ignoredType = ignoredAttributes[key];
    if (ignoredType !== undefined) {
      if (typeof value !== ignoredType)
        issues.push({ field: key, message: `must be a ${ignoredType}` });
    } else if (isAttributeName(key)) {
      fields[attributeFields[key]] = key === 'events' ? readEvents(value, issues) : value;
    } else {
      issues.push({ field: key, message: 'unknown attribute' });
    }
  }
  return { fields: fields as WebhookPatch, issues };
}

/** Refuses the mask as a new password or secret: it is what a client copied from a response. */
export function maskedValueIssues(fields: WebhookPatch): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (fields.httpBasicPassword === redacted) {
    issues.push({
      field: 'http_basic_password',
      message: `"${redacted}" is the mask shown in place of the password; send the password itself`,
    });
  }
  if (fields.secret === redacted) {
    issues.push({
      field: 'secret',
      message: `"${redacted}" is the mask shown in place of the secret; send the secret itself`,
    });
  }
  return issues;
}

/**
 * A client that reads a webhook, changes one attribute and sends everything back also sends the
 * masks; they mean "unchanged", so they are swapped back for the stored values.
 */
export function restoreMaskedValues(fields: WebhookPatch, current: Webhook): WebhookPatch {
  const restored = { ...fields };
  if (restored.httpBasicPassword === redacted) delete restored.httpBasicPassword;
  if (restored.secret === redacted) delete restored.secret;
  if (isRecord(restored.headers)) {
    const stored = new Map(
      Object.entries(current.headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    restored.headers = Object.fromEntries(
      Object.entries(restored.headers).map(([name, value]) => [
        name,
        value === redacted ? (stored.get(name.toLowerCase()) ?? value) : value,
      ]),
    ) as Record<string, string>;
  }
  return restored;
}

/** A webhook as the JSON API shows it: password, secret and `Authorization` header masked. */
export function webhookResource(webhook: Webhook) {
  const shown = redactWebhook(webhook);
  return {
    id: webhook.id,
    type: 'webhook' as const,
    attributes: {
      name: shown.name,
      url: shown.url,
      custom_payload: shown.customPayload,
      headers: shown.headers,
      events: shown.events.map((trigger) => ({
        entity_type: trigger.entityType,
        event_types: trigger.eventTypes,
        filters: trigger.filters.map((filter) => ({
          entity_type: filter.entityType,
          entity_ids: filter.entityIds,
        })),
      })),
      http_basic_user: shown.httpBasicUser,
      http_basic_password: shown.httpBasicPassword,
      secret: shown.secret,
      enabled: shown.enabled,
      payload_api_version: '3',
      nested_items_in_payload: false,
      auto_retry: shown.autoRetry,
      disabled_reason: shown.disabledReason,
      created_at: shown.createdAt.toISOString(),
      updated_at: shown.updatedAt.toISOString(),
    },
  };
}
