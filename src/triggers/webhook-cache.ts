import type { Repository } from '../repository/repository.js';
import type { Webhook } from '../types.js';
import { TriggerIndex } from './trigger-index.js';

interface Snapshot {
  byId: ReadonlyMap<string, Webhook>;
  index: TriggerIndex;
  loadedAt: number;
}

/**
 * The webhooks as last read from the repository, with their trigger index. Dispatch and delivery read
 * it instead of the database. It is dropped when this process changes a webhook, when the repository
 * reports a change, and, while no change notifications arrive, after `maxAgeMs`.
 */
export class WebhookCache {
  readonly #repository: Repository;
  readonly #maxAgeMs: () => number;
  #snapshot: Snapshot | null = null;
  #loading: Promise<Snapshot> | null = null;
  /** Bumped on every invalidation, so a load that raced with a change is not kept. */
  #generation = 0;

  /** `maxAgeMs` is asked at each read: it changes when the manager starts listening for changes. */
  constructor(repository: Repository, maxAgeMs: () => number) {
    this.#repository = repository;
    this.#maxAgeMs = maxAgeMs;
  }

  invalidate(): void {
    this.#generation += 1;
    this.#snapshot = null;
    this.#loading = null;
  }

  async index(): Promise<TriggerIndex> {
    return (await this.#current()).index;
  }

  /**
   * The index if the cache is fresh, else `null` (then use `index()`). Dispatch and delivery read the
   * cache on every call, and most of the time it is fresh: answering those reads without a promise
   * saves two awaits per call.
   */
  freshIndex(): TriggerIndex | null {
    return this.#fresh()?.index ?? null;
  }

  /** The cached webhook if the cache is fresh and holds it, else `undefined` (then use `get()`). */
  freshWebhook(id: string): Webhook | undefined {
    return this.#fresh()?.byId.get(id);
  }

  /**
   * The webhook with this id. A miss is checked against the repository, because the webhook may
   * have been created by another process after the snapshot was taken.
   */
  async get(id: string): Promise<Webhook | null> {
    const cached = (await this.#current()).byId.get(id);
    if (cached) return cached;
    const stored = await this.#repository.getWebhook(id);
    if (stored) this.invalidate();
    return stored;
  }

  async #current(): Promise<Snapshot> {
    const snapshot = this.#fresh();
    if (snapshot) return snapshot;
    this.#loading ??= this.#load();
    return this.#loading;
  }

  #fresh(): Snapshot | null {
    const snapshot = this.#snapshot;
    return snapshot && Date.now() - snapshot.loadedAt < this.#maxAgeMs() ? snapshot : null;
  }

  async #load(): Promise<Snapshot> {
    const generation = this.#generation;
    try {
      const webhooks = await this.#repository.listWebhooks();
      const snapshot: Snapshot = {
        byId: new Map(webhooks.map((webhook) => [webhook.id, webhook])),
        index: new TriggerIndex(webhooks),
        loadedAt: Date.now(),
      };
      if (generation === this.#generation) this.#snapshot = snapshot;
      return snapshot;
    } finally {
      if (generation === this.#generation) this.#loading = null;
    }
  }
}
