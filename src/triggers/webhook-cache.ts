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
    const snapshot = this.#snapshot;
    if (snapshot && Date.now() - snapshot.loadedAt < this.#maxAgeMs()) return snapshot;
    this.#loading ??= this.#load();
    return this.#loading;
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
