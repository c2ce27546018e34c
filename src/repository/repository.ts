import type { CallQuery } from '../schemas/call-query.js';
import type { Attempt, CallStatus, Exchange, Webhook, WebhookCall } from '../types.js';

/** What `claimDueCalls` needs to pick a fair batch and lease it. */
export interface ClaimOptions {
  now: Date;
  /** The most calls to return. */
  limit: number;
  /** Identifies this claim; `completeAttempt` must present it to change the call. */
  leaseToken: string;
  /** How long the calls stay with the claimer before another worker may take them. */
  leaseMs: number;
  /** The most calls of one webhook the claimer may hold at once, counting `heldByWebhook`. */
  perWebhookLimit: number;
  /** Calls of each webhook the claimer already holds. */
  heldByWebhook: ReadonlyMap<string, number>;
}

/** The new state of a call after an attempt (or after deciding not to attempt it). */
export interface CallUpdate extends Exchange {
  status: CallStatus;
  lastSentAt: Date | null;
  nextRetryAt: Date | null;
  attemptedAutoRetriesCount: number;
  attemptsCount: number;
}

export interface CompleteAttemptInput {
  callId: string;
  leaseToken: string;
  /** The attempt to record; `null` when the call was settled without sending anything. */
  attempt: Attempt | null;
  update: CallUpdate;
}

/** Something another process (or this one) changed; workers wake up and caches refresh on it. */
export type RepositoryChange = { kind: 'calls' } | { kind: 'webhooks' };

/**
 * Passed through `dispatch(event, { transaction })` to `insertCalls`. `Transaction` is the adapter's
 * handle on the host's open transaction (a `pg` client for `PostgresRepository`).
 */
export interface InsertCallsContext<Transaction = unknown> {
  transaction?: Transaction;
}

/**
 * Makes `updateWebhook` a compare-and-set, so a change computed from a webhook read earlier cannot
 * overwrite an edit committed since (by this process or another).
 */
export interface UpdateWebhookOptions {
  /**
   * The webhook as it was read before the new one was computed from it. The write happens only if
   * the stored webhook still equals it in every field (dates by their time, `events` and `headers`
   * as JSON values); otherwise nothing is written and `updateWebhook` returns `false`. Comparing
   * the whole webhook, not only `updatedAt`, also catches two edits within one millisecond, and an
   * edit that leaves `updatedAt` alone (the manager's own bookkeeping of `failingSince` does).
   */
  expected?: Webhook;
}

/**
 * Where hookline keeps webhooks, calls and attempts. `MemoryRepository` is the reference
 * implementation; `hookline/testing` exports a conformance suite that checks any other against it.
 *
 * An implementation stores and returns plain values (never the caller's objects) and enforces what
 * concurrent workers rely on: a call claimed under a lease is returned to no other claimer until the
 * lease expires, and only the holder of the current lease token can settle it. Validation, matching
 * and retry decisions belong to the manager; a repository never needs to know about them.
 *
 * `Transaction` is what `insertCalls` accepts as the host's open transaction; an adapter that cannot
 * join one keeps the default and ignores it or refuses it.
 */
export interface Repository<Transaction = unknown> {
  /** Stores a new webhook. Throws `HooklineValidationError` (path `name`) if the name is taken. */
  insertWebhook(webhook: Webhook): Promise<void>;
  /**
   * Replaces a stored webhook; `false` when it does not exist. Same name rule as `insertWebhook`.
   * With `options.expected`, replaces it only if it still equals that webhook, atomically (compare
   * and write in one statement or transaction), and returns `false` otherwise. The manager passes
   * it whenever it writes a webhook it read; an adapter that ignores it still works, but then a
   * concurrent edit can be overwritten (the behaviour before hookline asked for it).
   */
  updateWebhook(webhook: Webhook, options?: UpdateWebhookOptions): Promise<boolean>;
  /** Removes a webhook with its calls and their attempts; `false` when it did not exist. */
  deleteWebhook(id: string): Promise<boolean>;
  getWebhook(id: string): Promise<Webhook | null>;
  /** Every webhook, oldest first. */
  listWebhooks(): Promise<Webhook[]>;

  /**
   * Persists new `pending` calls, atomically: all or none. Runs before anything is sent. With
   * `context.transaction`, the calls are written inside the host's transaction and exist only if it
   * commits.
   *
   * A call whose webhook does not exist (deleted, here or by another process, after `dispatch`
   * matched the event) is skipped without an error, while the others are stored: it is as if the
   * event had been dispatched just before the delete, which removes a webhook's calls anyway. So
   * `dispatch` still returns such a call and emits `call:created` for it. Skipping must not race a
   * concurrent delete: a call is stored only if its webhook exists when the insert commits, and a
   * webhook deleted meanwhile must neither fail the insert nor (inside a host transaction) abort
   * the host's transaction.
   */
  insertCalls(
    calls: readonly WebhookCall[],
    context?: InsertCallsContext<Transaction>,
  ): Promise<void>;
  getCall(id: string): Promise<WebhookCall | null>;
  /** Filters, orders (nulls last, ties by id ascending) and pages calls; `total` ignores paging. */
  listCalls(query: CallQuery): Promise<{ calls: WebhookCall[]; total: number }>;
  /**
   * Leases up to `limit` calls that are `pending` or `rescheduled`, due at or before `now`, and not
   * under an unexpired lease: earliest due first, at most `perWebhookLimit` per webhook in all.
   */
  claimDueCalls(options: ClaimOptions): Promise<WebhookCall[]>;
  /**
   * Leases one call whatever its status (for a manual resend). `null` when another lease holds it or
   * it does not exist.
   */
  claimCall(
    id: string,
    options: Pick<ClaimOptions, 'now' | 'leaseToken' | 'leaseMs'>,
  ): Promise<WebhookCall | null>;
  /**
   * Records the attempt (always, if the call still exists) and, if `leaseToken` still holds the call,
   * applies `update` and releases the lease. Returns the updated call, or `null` when the lease was
   * lost or the call is gone.
   */
  completeAttempt(input: CompleteAttemptInput): Promise<WebhookCall | null>;
  /** Attempts of a call, oldest first. */
  listAttempts(callId: string): Promise<Attempt[]>;
  /**
   * When the next call becomes claimable (due, and any lease expired), or `null` if no call is
   * `pending` or `rescheduled`. Lets idle workers sleep exactly as long as they can.
   */
  nextDueAt(): Promise<Date | null>;
  /**
   * Deletes settled (`success` or `failed`) calls created before `olderThan`, with their attempts,
   * unless an unexpired lease holds them (a resend under way); returns how many.
   */
  pruneCalls(options: { olderThan: Date }): Promise<number>;

  /**
   * Optional: tells the listener about changes, including those made by other processes, so idle
   * workers wake at once and webhook caches stay fresh. Returns the unsubscribe function. Without it,
   * other processes' changes are seen at the next poll (`pollIntervalMs`).
   */
  subscribe?(listener: (change: RepositoryChange) => void): () => void;
}
