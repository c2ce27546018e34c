import { randomUUID } from 'node:crypto';
import { type Catalog, defaultCatalog } from './catalog.js';
import type { WebhookAttemptOutcome } from './delivery/deliver-call.js';
import { DeliveryWorker } from './delivery/delivery-worker.js';
import { emptyExchange } from './delivery/empty-exchange.js';
import { failedTooLong, nextFailingSince } from './delivery/failure-streak.js';
import { redactWebhook } from './delivery/redactor.js';
import { defaultRetryJitter, defaultRetrySchedule } from './delivery/retry-schedule.js';
import {
  HooklineConflictError,
  HooklineNotFoundError,
  HooklineStateError,
  HooklineValidationError,
} from './errors.js';
import { EventHub, type HooklineEventName, type HooklineListener } from './events.js';
import { newId } from './ids.js';
import { MemoryRepository } from './repository/memory-repository.js';
import type { Repository } from './repository/repository.js';
import { callQuerySchema } from './schemas/call-query.js';
import { eventSchema } from './schemas/event.js';
import { parseOrThrow } from './schemas/validation-issues.js';
import { webhookPatchSchema, webhookSchema } from './schemas/webhook.js';
import type { Transport } from './transport/transport.js';
import { UndiciTransport } from './transport/undici-transport.js';
import { WebhookCache } from './triggers/webhook-cache.js';
import type {
  Attempt,
  CallQueryInput,
  Webhook,
  WebhookCall,
  WebhookEvent,
  WebhookEventInput,
  WebhookInput,
  WebhookPatch,
} from './types.js';
import { hooklineVersion } from './version.js';

export interface WebhookManagerOptions<Transaction = unknown> {
  /** Where webhooks, calls and attempts live. Default: `new MemoryRepository()`. */
  repository?: Repository<Transaction>;
  /** Sends the HTTP requests. Default: `new UndiciTransport()`. */
  transport?: Transport;
  /** Attempts in flight at once, across all webhooks. Default: 10. */
  concurrency?: number;
  /** Attempts in flight at once for one webhook. Default: 2. */
  perWebhookConcurrency?: number;
  /**
   * Delays in ms before each auto-retry; its length is the number of auto-retries.
   * Default: DatoCMS's `[120000, 360000, 1800000, 3600000, 18000000, 86400000, 172800000]`.
   */
  retrySchedule?: readonly number[];
  /** Up to this fraction of a delay is added at random. Default: 0.1. */
  retryJitter?: number;
  /** How long a claimed call stays with its worker; keep it well above the transport timeout. Default: 60000. */
  leaseMs?: number;
  /** The longest an idle worker waits before checking for due calls made elsewhere. Default: 1000. */
  pollIntervalMs?: number;
  /** How long the previous secret still signs after a rotation. Default: 86400000 (24 h). */
  secretRotationGraceMs?: number;
  /**
   * Disables a webhook whose attempts have all failed for this long (no success in between), with a
   * reason and a `webhook:disabled` event. Svix uses 5 days (432000000). Default: undefined (never).
   */
  disableAfterFailingForMs?: number;
  /** Sent as `User-Agent`. Default: `hookline/<version>`. */
  userAgent?: string;
  /** Entity and event types webhooks may subscribe to. Default: DatoCMS's (`defaultCatalog`). */
  catalog?: Catalog;
}

/** Options of `dispatch`. */
export interface DispatchOptions<Transaction = unknown> {
  /**
   * The host's open transaction, passed to the repository's `insertCalls` so the calls commit or roll
   * back with the change that caused them. Its type is the repository's (a `pg` client for Postgres).
   */
  transaction?: Transaction;
}

/** How often a webhook write is computed again after another write to the webhook came first. */
const webhookWriteTries = 5;

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new HooklineValidationError('manager options', [
      { path: name, message: 'must be a whole number of at least 1' },
    ]);
  }
  return value;
}

function checkSchedule(schedule: readonly number[]): readonly number[] {
  const bad = schedule.findIndex((delay) => !Number.isFinite(delay) || delay < 0);
  if (bad >= 0) {
    throw new HooklineValidationError('manager options', [
      { path: `retrySchedule[${bad}]`, message: 'must be a delay in ms of 0 or more' },
    ]);
  }
  return [...schedule];
}

/**
 * The entry point: configure webhooks, dispatch events, and let the worker deliver them. One
 * manager per process; several processes may share one durable repository.
 */
export class WebhookManager<Transaction = unknown> {
  readonly repository: Repository<Transaction>;
  readonly transport: Transport;
  readonly catalog: Catalog;
  readonly #events = new EventHub();
  readonly #webhooks: WebhookCache;
  readonly #worker: DeliveryWorker;
  readonly #webhookSchema: ReturnType<typeof webhookSchema>;
  readonly #eventSchema: ReturnType<typeof eventSchema>;
  readonly #leaseMs: number;
  readonly #secretRotationGraceMs: number;
  readonly #disableAfterFailingForMs: number | undefined;
  #unsubscribe: (() => void) | null = null;
  #stopping: Promise<void> | null = null;

  constructor(options: WebhookManagerOptions<Transaction> = {}) {
    this.repository = options.repository ?? new MemoryRepository();
    this.transport = options.transport ?? new UndiciTransport();
    this.catalog = options.catalog ?? defaultCatalog;
    this.#webhookSchema = webhookSchema(this.catalog);
    this.#eventSchema = eventSchema(this.catalog);
    this.#leaseMs = positiveInteger('leaseMs', options.leaseMs ?? 60_000);
    this.#secretRotationGraceMs = options.secretRotationGraceMs ?? 86_400_000;
    this.#disableAfterFailingForMs =
      options.disableAfterFailingForMs === undefined
        ? undefined
        : positiveInteger('disableAfterFailingForMs', options.disableAfterFailingForMs);
    const pollIntervalMs = positiveInteger('pollIntervalMs', options.pollIntervalMs ?? 1_000);
    // Until start() subscribes to changes (or when the repository offers none), another process's
    // edits are seen once the cache ages out.
    this.#webhooks = new WebhookCache(this.repository, () =>
      this.#unsubscribe ? Number.POSITIVE_INFINITY : pollIntervalMs,
    );
    this.#worker = new DeliveryWorker(
      {
        repository: this.repository,
        transport: this.transport,
        webhooks: this.#webhooks,
        events: this.#events,
        retry: {
          schedule: checkSchedule(options.retrySchedule ?? defaultRetrySchedule),
          jitter: options.retryJitter ?? defaultRetryJitter,
        },
        userAgent: options.userAgent ?? `hookline/${hooklineVersion}`,
        recordWebhookOutcome: (webhook, attempt) => this.#recordWebhookOutcome(webhook, attempt),
      },
      {
        concurrency: positiveInteger('concurrency', options.concurrency ?? 10),
        perWebhookConcurrency: positiveInteger(
          'perWebhookConcurrency',
          options.perWebhookConcurrency ?? 2,
        ),
        leaseMs: this.#leaseMs,
        pollIntervalMs,
      },
    );
  }

  // Webhooks

  async createWebhook(input: WebhookInput): Promise<Webhook> {
    const fields = parseOrThrow(this.#webhookSchema, input, 'webhook');
    const now = new Date();
    const webhook: Webhook = {
      id: newId(),
      ...fields,
      createdAt: now,
      updatedAt: now,
      previousSecret: null,
      previousSecretExpiresAt: null,
      disabledReason: null,
      failingSince: null,
    };
    await this.repository.insertWebhook(webhook);
    this.#webhooks.invalidate();
    return webhook;
  }

  /**
   * Changes the given fields; the result is validated as a whole. A new `secret` starts a rotation.
   * The patch is applied to the webhook as stored when it is written: an edit committed meanwhile
   * (another user's, or hookline disabling the webhook) is kept, not overwritten.
   */
  async updateWebhook(id: string, patch: WebhookPatch): Promise<Webhook> {
    const changes = parseOrThrow(webhookPatchSchema, patch, 'webhook');
    const webhook = await this.#changeWebhook(id, (current) => {
      const {
        id: _id,
        createdAt,
        updatedAt: _updatedAt,
        previousSecret,
        previousSecretExpiresAt,
        disabledReason,
        failingSince,
        ...fields
      } = current;
      const merged = parseOrThrow(this.#webhookSchema, { ...fields, ...changes }, 'webhook');
      const now = new Date();
      // Replacing a secret keeps the old one signing for a while; removing it stops signing at once.
      const rotated =
        current.secret !== null && merged.secret !== null && merged.secret !== current.secret;
      return {
        id,
        ...merged,
        createdAt,
        updatedAt: now,
        previousSecret: merged.secret === null ? null : rotated ? current.secret : previousSecret,
        previousSecretExpiresAt:
          merged.secret === null
            ? null
            : rotated
              ? new Date(now.getTime() + this.#secretRotationGraceMs)
              : previousSecretExpiresAt,
        disabledReason: merged.enabled ? null : disabledReason,
        // Re-enabling starts afresh, or the next failure would disable the webhook again at once.
        failingSince: merged.enabled && !current.enabled ? null : (failingSince ?? null),
      };
    });
    if (!webhook) throw new HooklineNotFoundError('webhook', id);
    return webhook;
  }

  /** Deletes a webhook together with its calls and their attempts. */
  async deleteWebhook(id: string): Promise<void> {
    if (!(await this.repository.deleteWebhook(id))) throw new HooklineNotFoundError('webhook', id);
    this.#webhooks.invalidate();
  }

  async getWebhook(id: string): Promise<Webhook> {
    const webhook = await this.repository.getWebhook(id);
    if (!webhook) throw new HooklineNotFoundError('webhook', id);
    return webhook;
  }

  async listWebhooks(): Promise<Webhook[]> {
    return this.repository.listWebhooks();
  }

  // Events and calls

  /**
   * Persists one `pending` call for every enabled webhook the event matches and returns them; the
   * worker sends them. Nothing is sent before the calls are stored.
   */
  async dispatch(
    input: WebhookEventInput,
    options: DispatchOptions<Transaction> = {},
  ): Promise<WebhookCall[]> {
    const parsed = parseOrThrow(this.#eventSchema, input, 'event');
    const event: WebhookEvent = {
      entityType: parsed.entityType,
      eventType: parsed.eventType,
      environment: parsed.environment,
      entity: parsed.entity,
      previousEntity: parsed.previousEntity,
      relatedEntities: parsed.relatedEntities,
      triggeredAt: parsed.triggeredAt ?? new Date(),
    };
    const index = this.#webhooks.freshIndex() ?? (await this.#webhooks.index());
    const webhooks = index.match(event);
    if (webhooks.length === 0) return [];
    const createdAt = new Date();
    const calls = webhooks.map(
      (webhook): WebhookCall => ({
        id: newId(),
        webhookId: webhook.id,
        entityType: event.entityType,
        eventType: event.eventType,
        event,
        status: 'pending',
        createdAt,
        lastSentAt: null,
        nextRetryAt: null,
        attemptedAutoRetriesCount: 0,
        attemptsCount: 0,
        ...emptyExchange,
      }),
    );
    await this.repository.insertCalls(
      calls,
      options.transaction === undefined ? undefined : { transaction: options.transaction },
    );
    for (const call of calls) this.#events.emit('call:created', { call });
    this.#worker.wake();
    return calls;
  }

  async getCall(id: string): Promise<WebhookCall> {
    const call = await this.repository.getCall(id);
    if (!call) throw new HooklineNotFoundError('call', id);
    return call;
  }

  /** Filters, orders (default: newest first) and pages the call log. */
  async listCalls(query: CallQueryInput = {}): Promise<{ calls: WebhookCall[]; total: number }> {
    return this.repository.listCalls(parseOrThrow(callQuerySchema, query, 'call query'));
  }

  /** Every attempt of a call, oldest first. */
  async listAttempts(callId: string): Promise<Attempt[]> {
    await this.getCall(callId);
    return this.repository.listAttempts(callId);
  }

  /**
   * Sends a call again now, with the webhook's current settings, even if the webhook is disabled,
   * and returns the call as updated. Success stops any planned auto-retry; a failed resend does not
   * count as an auto-retry. Works whether or not the worker is started.
   */
  async resendCall(id: string): Promise<WebhookCall> {
    await this.getCall(id);
    await this.#worker.settled(id);
    const leaseToken = randomUUID();
    const claimed = await this.repository.claimCall(id, {
      now: new Date(),
      leaseToken,
      leaseMs: this.#leaseMs,
    });
    if (!claimed) {
      if (!(await this.repository.getCall(id))) throw new HooklineNotFoundError('call', id);
      throw new HooklineConflictError(`Call "${id}" is being delivered by another worker`);
    }
    const updated = await this.#worker.deliverNow(claimed, leaseToken, 'resend');
    if (!updated) throw new HooklineNotFoundError('call', id);
    return updated;
  }

  /** Deletes settled calls created before `olderThan`; returns how many. */
  async pruneCalls(options: { olderThan: Date }): Promise<number> {
    return this.repository.pruneCalls(options);
  }

  // Lifecycle

  /** Starts delivering: due calls are claimed and sent until `stop()`. */
  async start(): Promise<void> {
    if (this.#stopping) throw new HooklineStateError('The manager was stopped; create a new one');
    if (this.#worker.running) return;
    this.#unsubscribe =
      this.repository.subscribe?.((change) => {
        if (change.kind === 'webhooks') this.#webhooks.invalidate();
        else this.#worker.wake();
      }) ?? null;
    this.#worker.start();
  }

  /** Stops claiming calls and waits for the attempts in flight to be recorded. Calls not yet sent stay pending. */
  async stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#unsubscribe?.();
      this.#unsubscribe = null;
      await this.#worker.stop();
    })();
    return this.#stopping;
  }

  /**
   * Resolves when nothing is due or in flight. With `includeRetries: true` it also waits for
   * rescheduled calls (useful with a short `retrySchedule` in tests).
   */
  async idle(options: { includeRetries?: boolean } = {}): Promise<void> {
    return this.#worker.idle(options);
  }

  on<Name extends HooklineEventName>(name: Name, listener: HooklineListener<Name>): this {
    this.#events.on(name, listener);
    return this;
  }

  off<Name extends HooklineEventName>(name: Name, listener: HooklineListener<Name>): this {
    this.#events.off(name, listener);
    return this;
  }

  /**
   * Keeps `failingSince` current and disables a webhook the receiver declared gone, or one that has
   * failed for longer than `disableAfterFailingForMs`, usually in one read and one write. Nothing is
   * read or written when the cached webhook shows nothing would change; otherwise the change is
   * computed from the stored webhook and written only if that is still what is stored (see
   * `#changeWebhook`), so an edit committed meanwhile, here or in another process, is kept.
   */
  async #recordWebhookOutcome(cached: Webhook, attempt: WebhookAttemptOutcome): Promise<void> {
    const limit = this.#disableAfterFailingForMs;
    const changes = (webhook: Webhook) => {
      const current = webhook.failingSince ?? null;
      const failingSince = nextFailingSince(current, attempt.ok, attempt.startedAt);
      const reason = !webhook.enabled
        ? null
        : (attempt.goneReason ??
          (failedTooLong(failingSince, attempt.finishedAt, limit)
            ? `every attempt has failed since ${failingSince?.toISOString()}, longer than disableAfterFailingForMs (${limit} ms)`
            : null));
      return { failingSince, reason, changed: failingSince?.getTime() !== current?.getTime() };
    };
    const guess = changes(cached);
    // A gone receiver is always checked against the stored webhook: the cache may be behind.
    if (attempt.goneReason === null && !guess.changed && guess.reason === null) return;
    let reason: string | null = null;
    const updated = await this.#changeWebhook(cached.id, (webhook) => {
      const next = changes(webhook);
      reason = next.reason;
      if (!next.changed && next.reason === null) return null;
      // Keeping `failingSince` current is bookkeeping, not an edit: `updatedAt` stays.
      return next.reason === null
        ? { ...webhook, failingSince: next.failingSince }
        : {
            ...webhook,
            failingSince: next.failingSince,
            enabled: false,
            disabledReason: next.reason,
            updatedAt: new Date(),
          };
    });
    if (updated && reason !== null)
      this.#events.emit('webhook:disabled', { webhook: redactWebhook(updated), reason });
  }

  /**
   * Reads a webhook, computes its new state with `change` and writes it only if the stored webhook
   * is still the one read (`updateWebhook`'s `expected`); when another write came first, reads and
   * computes again, so that write and this one both survive. `change` returns `null` when there is
   * nothing to write. Returns the webhook written, or `null` when nothing was (or it does not exist).
   */
  async #changeWebhook(
    id: string,
    change: (stored: Webhook) => Webhook | null,
  ): Promise<Webhook | null> {
    try {
      for (let tries = 0; tries < webhookWriteTries; tries += 1) {
        const stored = await this.repository.getWebhook(id);
        if (!stored) return null;
        const next = change(stored);
        if (!next) return null;
        if (await this.repository.updateWebhook(next, { expected: stored })) return next;
      }
    } finally {
      // Written or not, the cache may be behind what was just read.
      this.#webhooks.invalidate();
    }
    throw new HooklineConflictError(
      `Webhook "${id}" changed ${webhookWriteTries} times while hookline was updating it; try again`,
    );
  }
}
