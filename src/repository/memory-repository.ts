import { duplicateWebhookNameError } from '../errors.js';
import type { CallQuery, DateRange } from '../schemas/call-query.js';
import type { Attempt, Webhook, WebhookCall } from '../types.js';
import { copyValue } from './copy-value.js';
import { MinHeap } from './min-heap.js';
import { copyAttempt, copyCall, updatedCall } from './record-copies.js';
import type {
  ClaimOptions,
  CompleteAttemptInput,
  Repository,
  RepositoryChange,
  UpdateWebhookOptions,
} from './repository.js';
import { sameValue } from './same-value.js';

interface CallRecord {
  call: WebhookCall;
  attempts: Attempt[];
  leaseToken: string | null;
  leaseExpiresAt: number;
  /** Identifies the record's live queue entry; entries with another number are stale. */
  queueTicket: number;
}

interface QueueEntry {
  id: string;
  dueAt: number;
  ticket: number;
}

const entryBefore = (a: QueueEntry, b: QueueEntry) =>
  a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.ticket < b.ticket);

/** When a waiting call may be sent: a pending call at once, a rescheduled one at its retry time. */
function dueAt(call: WebhookCall): number | null {
  if (call.status === 'pending') return call.createdAt.getTime();
  if (call.status === 'rescheduled') return (call.nextRetryAt ?? call.createdAt).getTime();
  return null;
}

function inRange(value: Date | null, range: DateRange | undefined): boolean {
  if (!range) return true;
  if (value === null) return false;
  const time = value.getTime();
  return (
    (range.gt === undefined || time > range.gt.getTime()) &&
    (range.gte === undefined || time >= range.gte.getTime()) &&
    (range.lt === undefined || time < range.lt.getTime()) &&
    (range.lte === undefined || time <= range.lte.getTime())
  );
}

function orderKey(call: WebhookCall, field: CallQuery['orderBy']): number | string | null {
  const value = call[field];
  return value instanceof Date ? value.getTime() : value;
}

/**
 * Keeps everything in this process's memory: the default repository, the reference for adapter
 * authors and the fake for tests. Waiting calls sit in one queue per webhook, so claiming stays
 * cheap and fair however deep one webhook's backlog grows. Values are copied in and out, so callers
 * can never change stored state by mutating what they passed or got back.
 */
export class MemoryRepository implements Repository {
  readonly #webhooks = new Map<string, Webhook>();
  readonly #calls = new Map<string, CallRecord>();
  readonly #queues = new Map<string, MinHeap<QueueEntry>>();
  readonly #leased = new Set<CallRecord>();
  readonly #listeners = new Set<(change: RepositoryChange) => void>();
  #nextTicket = 1;

  async insertWebhook(webhook: Webhook): Promise<void> {
    this.#assertNameFree(webhook.name, webhook.id);
    this.#webhooks.set(webhook.id, copyValue(webhook));
    this.#notify({ kind: 'webhooks' });
  }

  async updateWebhook(webhook: Webhook, options?: UpdateWebhookOptions): Promise<boolean> {
    const stored = this.#webhooks.get(webhook.id);
    if (!stored || (options?.expected && !sameValue(stored, options.expected))) return false;
    this.#assertNameFree(webhook.name, webhook.id);
    this.#webhooks.set(webhook.id, copyValue(webhook));
    this.#notify({ kind: 'webhooks' });
    return true;
  }

  async deleteWebhook(id: string): Promise<boolean> {
    if (!this.#webhooks.delete(id)) return false;
    for (const [callId, record] of this.#calls) {
      if (record.call.webhookId === id) this.#forget(callId, record);
    }
    this.#queues.delete(id);
    this.#notify({ kind: 'webhooks' });
    return true;
  }

  async getWebhook(id: string): Promise<Webhook | null> {
    const webhook = this.#webhooks.get(id);
    return webhook ? copyValue(webhook) : null;
  }

  async listWebhooks(): Promise<Webhook[]> {
    return [...this.#webhooks.values()]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .map((webhook) => copyValue(webhook));
  }

  async insertCalls(calls: readonly WebhookCall[]): Promise<void> {
    for (const call of calls) {
      if (this.#calls.has(call.id)) throw new Error(`MemoryRepository: call ${call.id} exists`);
    }
    let inserted = 0;
    for (const call of calls) {
      // Its webhook was deleted after dispatch matched it: as if dispatched just before the delete.
      if (!this.#webhooks.has(call.webhookId)) continue;
      inserted += 1;
      const record: CallRecord = {
        call: copyCall(call),
        attempts: [],
        leaseToken: null,
        leaseExpiresAt: 0,
        queueTicket: 0,
      };
      this.#calls.set(call.id, record);
      this.#enqueue(record);
    }
    if (inserted > 0) this.#notify({ kind: 'calls' });
  }

  async getCall(id: string): Promise<WebhookCall | null> {
    const record = this.#calls.get(id);
    return record ? copyCall(record.call) : null;
  }

  async listCalls(query: CallQuery): Promise<{ calls: WebhookCall[]; total: number }> {
    const ids = query.ids ? new Set(query.ids) : null;
    const statuses =
      query.status === undefined
        ? null
        : new Set(Array.isArray(query.status) ? query.status : [query.status]);
    const matching: WebhookCall[] = [];
    for (const { call } of this.#calls.values()) {
      if (ids && !ids.has(call.id)) continue;
      if (query.webhookId !== undefined && call.webhookId !== query.webhookId) continue;
      if (query.entityType !== undefined && call.entityType !== query.entityType) continue;
      if (query.eventType !== undefined && call.eventType !== query.eventType) continue;
      if (statuses && !statuses.has(call.status)) continue;
      if (!inRange(call.createdAt, query.createdAt)) continue;
      if (!inRange(call.lastSentAt, query.lastSentAt)) continue;
      if (!inRange(call.nextRetryAt, query.nextRetryAt)) continue;
      matching.push(call);
    }
    const sign = query.direction === 'asc' ? 1 : -1;
    matching.sort((a, b) => {
      const left = orderKey(a, query.orderBy);
      const right = orderKey(b, query.orderBy);
      if (left !== right) {
        if (left === null) return 1;
        if (right === null) return -1;
        return (left < right ? -1 : 1) * sign;
      }
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    return {
      calls: matching.slice(query.offset, query.offset + query.limit).map((call) => copyCall(call)),
      total: matching.length,
    };
  }

  async claimDueCalls(options: ClaimOptions): Promise<WebhookCall[]> {
    const now = options.now.getTime();
    this.#requeueExpiredLeases(now);
    const held = new Map(options.heldByWebhook);
    // One candidate per webhook with room left, earliest due first across webhooks.
    const heads = new MinHeap<{ webhookId: string; entry: QueueEntry }>((a, b) =>
      entryBefore(a.entry, b.entry),
    );
    for (const webhookId of this.#queues.keys()) {
      if ((held.get(webhookId) ?? 0) >= options.perWebhookLimit) continue;
      const entry = this.#liveHead(webhookId);
      if (entry && entry.dueAt <= now) heads.push({ webhookId, entry });
    }
    const claimed: WebhookCall[] = [];
    while (claimed.length < options.limit) {
      const head = heads.pop();
      if (!head) break;
      this.#queues.get(head.webhookId)?.pop();
      const record = this.#calls.get(head.entry.id) as CallRecord;
      this.#lease(record, options.leaseToken, now + options.leaseMs);
      claimed.push(copyCall(record.call));
      const holding = (held.get(head.webhookId) ?? 0) + 1;
      held.set(head.webhookId, holding);
      if (holding >= options.perWebhookLimit) continue;
      const next = this.#liveHead(head.webhookId);
      if (next && next.dueAt <= now) heads.push({ webhookId: head.webhookId, entry: next });
    }
    return claimed;
  }

  async claimCall(
    id: string,
    options: Pick<ClaimOptions, 'now' | 'leaseToken' | 'leaseMs'>,
  ): Promise<WebhookCall | null> {
    const record = this.#calls.get(id);
    const now = options.now.getTime();
    if (!record || (record.leaseToken !== null && record.leaseExpiresAt > now)) return null;
    this.#lease(record, options.leaseToken, now + options.leaseMs);
    return copyCall(record.call);
  }

  async completeAttempt(input: CompleteAttemptInput): Promise<WebhookCall | null> {
    const record = this.#calls.get(input.callId);
    if (!record) return null;
    const attempt = input.attempt ? copyAttempt(input.attempt) : null;
    if (attempt) record.attempts.push(attempt);
    if (record.leaseToken !== input.leaseToken) return null;
    record.call = updatedCall(record.call, input, attempt);
    record.leaseToken = null;
    record.leaseExpiresAt = 0;
    this.#leased.delete(record);
    this.#enqueue(record);
    if (record.call.status === 'rescheduled' || record.call.status === 'pending') {
      this.#notify({ kind: 'calls' });
    }
    return copyCall(record.call);
  }

  async listAttempts(callId: string): Promise<Attempt[]> {
    return (this.#calls.get(callId)?.attempts ?? []).map(copyAttempt);
  }

  async nextDueAt(): Promise<Date | null> {
    let earliest = Number.POSITIVE_INFINITY;
    for (const webhookId of this.#queues.keys()) {
      const entry = this.#liveHead(webhookId);
      if (entry && entry.dueAt < earliest) earliest = entry.dueAt;
    }
    for (const record of this.#leased) {
      const due = dueAt(record.call);
      if (due !== null) earliest = Math.min(earliest, Math.max(due, record.leaseExpiresAt));
    }
    return Number.isFinite(earliest) ? new Date(earliest) : null;
  }

  async pruneCalls(options: { olderThan: Date }): Promise<number> {
    const limit = options.olderThan.getTime();
    const now = Date.now();
    let pruned = 0;
    for (const [id, record] of this.#calls) {
      const settled = record.call.status === 'success' || record.call.status === 'failed';
      // A lease that ran out holds nothing: a resend that crashed must not keep its call forever.
      const leased = record.leaseToken !== null && record.leaseExpiresAt > now;
      if (settled && record.call.createdAt.getTime() < limit && !leased) {
        this.#forget(id, record);
        pruned += 1;
      }
    }
    return pruned;
  }

  subscribe(listener: (change: RepositoryChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #assertNameFree(name: string, ownId: string): void {
    for (const webhook of this.#webhooks.values()) {
      if (webhook.id !== ownId && webhook.name === name) throw duplicateWebhookNameError(name);
    }
  }

  #notify(change: RepositoryChange): void {
    // Listeners run after the current operation has fully returned, as they would for a database.
    for (const listener of this.#listeners) queueMicrotask(() => listener(change));
  }

  #enqueue(record: CallRecord): void {
    const due = dueAt(record.call);
    if (due === null) {
      record.queueTicket = 0;
      return;
    }
    const ticket = this.#nextTicket++;
    record.queueTicket = ticket;
    let queue = this.#queues.get(record.call.webhookId);
    if (!queue) {
      queue = new MinHeap(entryBefore);
      this.#queues.set(record.call.webhookId, queue);
    }
    queue.push({ id: record.call.id, dueAt: due, ticket });
  }

  #lease(record: CallRecord, token: string, expiresAt: number): void {
    record.leaseToken = token;
    record.leaseExpiresAt = expiresAt;
    record.queueTicket = 0;
    this.#leased.add(record);
  }

  #requeueExpiredLeases(now: number): void {
    for (const record of this.#leased) {
      if (record.leaseExpiresAt > now) continue;
      record.leaseToken = null;
      record.leaseExpiresAt = 0;
      this.#leased.delete(record);
      this.#enqueue(record);
    }
  }

  /** The webhook's earliest live queue entry, dropping stale ones on the way. */
  #liveHead(webhookId: string): QueueEntry | undefined {
    const queue = this.#queues.get(webhookId);
    if (!queue) return undefined;
    for (;;) {
      const entry = queue.peek();
      if (!entry) {
        this.#queues.delete(webhookId);
        return undefined;
      }
      if (this.#calls.get(entry.id)?.queueTicket === entry.ticket) return entry;
      queue.pop();
    }
  }

  #forget(id: string, record: CallRecord): void {
    record.queueTicket = 0;
    this.#leased.delete(record);
    this.#calls.delete(id);
  }
}
