/**
 * What a webhook can subscribe to: each entity type, the event types it emits and the filter keys
 * that may narrow a trigger on it. The default is DatoCMS's catalog; a host adds its own entity types
 * with `extend()` (as Strapi's `addAllowedEvent` does) and passes the result to the manager.
 */
export interface CatalogEntry {
  eventTypes: readonly string[];
  /** Entity types whose ids a trigger on this entity type may filter by. */
  filterKeys: readonly string[];
}

export type CatalogDefinition = Readonly<Record<string, CatalogEntry>>;

export const datoCmsCatalog: CatalogDefinition = {
  item: {
    eventTypes: ['create', 'update', 'delete', 'publish', 'unpublish'],
    filterKeys: ['item', 'item_type', 'environment'],
  },
  item_type: {
    eventTypes: ['create', 'update', 'delete'],
    filterKeys: ['item_type', 'environment'],
  },
  upload: { eventTypes: ['create', 'update', 'delete'], filterKeys: ['environment'] },
  build_trigger: {
    eventTypes: ['deploy_started', 'deploy_succeeded', 'deploy_failed'],
    filterKeys: ['build_trigger', 'environment'],
  },
  environment: {
    eventTypes: ['create', 'update', 'promote', 'delete'],
    filterKeys: ['environment'],
  },
  maintenance_mode: { eventTypes: ['change'], filterKeys: [] },
  sso_user: { eventTypes: ['create'], filterKeys: ['environment'] },
  cda_cache_tags: { eventTypes: ['invalidate'], filterKeys: ['environment'] },
};

export class Catalog {
  readonly #entries: ReadonlyMap<string, CatalogEntry>;

  constructor(definition: CatalogDefinition = datoCmsCatalog) {
    this.#entries = new Map(
      Object.entries(definition).map(([entityType, entry]) => [
        entityType,
        { eventTypes: [...entry.eventTypes], filterKeys: [...entry.filterKeys] },
      ]),
    );
  }

  /** A new catalog with `additions` merged in; event types and filter keys of a known entity type are added to. */
  extend(additions: CatalogDefinition): Catalog {
    const merged: Record<string, CatalogEntry> = Object.fromEntries(this.#entries);
    for (const [entityType, entry] of Object.entries(additions)) {
      const existing = merged[entityType];
      merged[entityType] = existing
        ? {
            eventTypes: [...new Set([...existing.eventTypes, ...entry.eventTypes])],
            filterKeys: [...new Set([...existing.filterKeys, ...entry.filterKeys])],
          }
        : entry;
    }
    return new Catalog(merged);
  }

  entityTypes(): string[] {
    return [...this.#entries.keys()];
  }

  has(entityType: string): boolean {
    return this.#entries.has(entityType);
  }

  eventTypes(entityType: string): readonly string[] {
    return this.#entries.get(entityType)?.eventTypes ?? [];
  }

  filterKeys(entityType: string): readonly string[] {
    return this.#entries.get(entityType)?.filterKeys ?? [];
  }

  toJSON(): CatalogDefinition {
    return Object.fromEntries(this.#entries);
  }
}

export const defaultCatalog = new Catalog();
