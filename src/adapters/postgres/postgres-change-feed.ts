import type { Notification, Pool, PoolClient } from 'pg';
import type { RepositoryChange } from '../../repository/repository.js';
import { quoteIdentifier } from './postgres-migrations.js';

/** Reconnection waits double from the first to the last value after each failure. */
const firstRetryMs = 250;
const lastRetryMs = 10_000;

/**
 * Relays `NOTIFY` on one channel to in-process listeners, over one connection held for as long as
 * anyone listens. If that connection fails it is replaced, and since notifications sent meanwhile
 * are lost, every kind of change is reported once it listens again (also on the first connect, which
 * covers the gap between subscribing and `LISTEN` taking effect).
 */
export class PostgresChangeFeed {
  readonly #pool: Pool;
  readonly #channel: string;
  readonly #onError: (error: unknown) => void;
  readonly #listeners = new Set<(change: RepositoryChange) => void>();
  #client: PoolClient | null = null;
  #connecting: Promise<void> | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #retryMs = firstRetryMs;
  /** Bumped when the feed stops, so a connection that completes afterwards is dropped. */
  #generation = 0;

  constructor(pool: Pool, channel: string, onError: (error: unknown) => void) {
    this.#pool = pool;
    this.#channel = channel;
    this.#onError = onError;
  }

  subscribe(listener: (change: RepositoryChange) => void): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#connect();
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.stop();
    };
  }

  /** Drops the connection; a later `subscribe` opens a new one. Resolves once it is released. */
  async stop(): Promise<void> {
    this.#generation += 1;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    await this.#connecting;
    this.#release(this.#client, true);
  }

  #connect(): void {
    const generation = this.#generation;
    this.#connecting = (async () => {
      let client: PoolClient | null = null;
      try {
        client = await this.#pool.connect();
        client.on('notification', (message) => this.#relay(message));
        client.on('error', (error) => this.#fail(client, error, generation));
        await client.query(`LISTEN ${quoteIdentifier(this.#channel)}`);
      } catch (error) {
        this.#fail(client, error, generation);
        return;
      } finally {
        this.#connecting = null;
      }
      if (generation !== this.#generation) {
        this.#release(client, true);
        return;
      }
      this.#client = client;
      this.#retryMs = firstRetryMs;
      this.#emit({ kind: 'webhooks' });
      this.#emit({ kind: 'calls' });
    })();
  }

  #fail(client: PoolClient | null, error: unknown, generation: number): void {
    this.#release(client, true);
    if (generation !== this.#generation) return;
    this.#onError(error);
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (generation === this.#generation && this.#listeners.size > 0) this.#connect();
    }, this.#retryMs);
    this.#retryTimer.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, lastRetryMs);
  }

  /** Gives a connection back for good: one that listened is never reused. */
  #release(client: PoolClient | null, destroy: boolean): void {
    if (!client) return;
    if (this.#client === client) this.#client = null;
    client.removeAllListeners('notification');
    // A failing connection may report more errors while it closes; they are expected.
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    try {
      client.release(destroy);
    } catch {
      // Released already (an error and a stop can race); nothing more to do.
    }
  }

  #relay(message: Notification): void {
    if (message.channel !== this.#channel) return;
    // hookline sends only these two words, so no payload can carry anything secret.
    if (message.payload === 'calls') this.#emit({ kind: 'calls' });
    else if (message.payload === 'webhooks') this.#emit({ kind: 'webhooks' });
  }

  #emit(change: RepositoryChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
