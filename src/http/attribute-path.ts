/**
 * Names a webhook field the way the JSON API spells it: `events[0].filters[1].entityIds` becomes
 * `events[0].filters[1].entity_ids`. What follows `headers` is a header name, kept as sent.
 */
export function webhookAttributePath(path: string): string {
  const headers = /^headers(?=$|[.[])/.exec(path);
  if (headers) return path;
  return path.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

const callQueryParameters: Readonly<Record<string, string>> = {
  ids: 'filter[ids]',
  webhookId: 'filter[fields][webhook_id][eq]',
  entityType: 'filter[fields][entity_type][eq]',
  eventType: 'filter[fields][event_type][eq]',
  status: 'filter[fields][status][eq]',
  orderBy: 'order_by',
  direction: 'order_by',
  limit: 'page[limit]',
  offset: 'page[offset]',
};

/** Names a `listCalls` query field by the query parameter that set it: `createdAt.gt` -> `filter[fields][created_at][gt]`. */
export function callQueryParameterPath(path: string): string {
  const field = /^[A-Za-z]*/.exec(path)?.[0] ?? '';
  const bound = /\.(gte?|lte?)$/.exec(path)?.[1];
  const known = callQueryParameters[field];
  if (known) return known;
  const snake = field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return bound ? `filter[fields][${snake}][${bound}]` : `filter[fields][${snake}]`;
}
