import { randomUUID } from 'node:crypto';
import type { AttemptTrigger, WebhookCall } from '../types.js';
import { type DeliveryContext, deliverCall } from './deliver-call.js';

export interface DeliveryWorkerOptions {
  concurrency: number;
  perWebhookConcurrency: number;
  leaseMs: number;
  /** The longest an idle worker sleeps before looking for due calls again. */
  pollIntervalMs: number;
}

/** After a repository fault, wait this long before claiming again. */
const faultBackoffMs = 1_000;

/**
 * Claims due calls from the repository and delivers them, at most `concurrency` at once and at most
 * `perWebhookConcurrency` per webhook, so one slow endpoint cannot take every slot. It sleeps until
 * the next call is due, or until it is woken (a dispatch, a repository notification, a slot freed).
 */
export class DeliveryWorker {
  readonly #context: DeliveryContext;
  readonly #options: DeliveryWorkerOptions;
  readonly #inFlight = new Map<string, Promise<WebhookCall | null>>();
  readonly #heldByWebhook = new Map<string, number>();
  #running = false;
  #loop: Promise<void> | null = null;
  #claiming = false;
  #wakeRequested = false;
  #wakeSleeper: (() => void) | null = null;
  /**
   * Resolved and dropped whenever the worker's state changes; `idle()` waits on it. Made only when
   * someone waits: every attempt changes the state, and most of the time nobody is watching.
   */
  #changed: ReturnType<typeof signal> | null = null;

  constructor(context: DeliveryContext, options: DeliveryWorkerOptions) {
    this.#context = context;
    this.#options = options;
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops claiming and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
    this.#loop = null;
    await Promise.allSettled(this.#inFlight.values());
  }

  /** There may be new work: look now instead of at the end of the current sleep. */
  wake(): void {
    this.#wakeRequested = true;
    this.#wakeSleeper?.();
  }

  /** Sends a call this process holds under `leaseToken` right away, outside the claim loop. */
  async deliverNow(
    call: WebhookCall,
    leaseToken: string,
    trigger: AttemptTrigger,
  ): Promise<WebhookCall | null> {
    return this.#track(call, leaseToken, trigger);
  }

  /** Waits for this process's attempt of a call, if one is under way. */
  async settled(callId: string): Promise<void> {
    await this.#inFlight.get(callId)?.catch(() => undefined);
  }

  /**
   * Resolves when nothing is in flight and nothing is due (or, with `includeRetries`, nothing is
   * waiting at all). When the worker is not running it only waits for attempts in flight.
   */
  async idle(options: { includeRetries?: boolean } = {}): Promise<void> {
    for (;;) {
      this.#changed ??= signal();
      const changed = this.#changed.promise;
      if (this.#inFlight.size === 0 && !this.#claiming) {
        if (!this.#running) return;
        const next = await this.#context.repository.nextDueAt();
        if (next === null) return;
        if (!options.includeRetries && next.getTime() > Date.now()) return;
      }
      // A change, or a short pause: a due call may be held by a lease only time will release.
      await Promise.race([changed, sleep(50)]);
    }
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#wakeRequested = false;
      const free = this.#options.concurrency - this.#inFlight.size;
      let claimedAll = false;
      if (free > 0) {
        try {
          claimedAll = (await this.#claim(free)) === free;
        } catch (error) {
          this.#context.events.emit('error', { error });
          await this.#sleep(faultBackoffMs);
          continue;
        }
      }
      if (claimedAll || this.#wakeRequested) continue;
      await this.#sleep(await this.#sleepDuration(free > 0));
    }
    this.#signalChange();
  }

  async #claim(limit: number): Promise<number> {
    this.#claiming = true;
    try {
      const leaseToken = randomUUID();
      const calls = await this.#context.repository.claimDueCalls({
        now: new Date(),
        limit,
        leaseToken,
        leaseMs: this.#options.leaseMs,
        perWebhookLimit: this.#options.perWebhookConcurrency,
        heldByWebhook: this.#heldByWebhook,
      });
      for (const call of calls) {
        const trigger = call.status === 'rescheduled' ? 'auto_retry' : 'dispatch';
        this.#track(call, leaseToken, trigger).catch(() => undefined);
      }
      return calls.length;
    } finally {
      this.#claiming = false;
      this.#signalChange();
    }
  }

  /** How long to sleep when nothing more can be claimed now. */
  async #sleepDuration(hadRoom: boolean): Promise<number> {
    // Every slot is busy: a finishing attempt wakes us, so no timer is needed.
    if (!hadRoom) return Number.POSITIVE_INFINITY;
    try {
      const next = await this.#context.repository.nextDueAt();
      if (next === null) return this.#options.pollIntervalMs;
      const untilDue = next.getTime() - Date.now();
      // Due already but not claimable: held back by the per-webhook limit; a finishing attempt wakes us.
      if (untilDue <= 0) return this.#options.pollIntervalMs;
      return Math.min(untilDue, this.#options.pollIntervalMs);
    } catch (error) {
      this.#context.events.emit('error', { error });
      return faultBackoffMs;
    }
  }

  #track(
    call: WebhookCall,
    leaseToken: string,
    trigger: AttemptTrigger,
  ): Promise<WebhookCall | null> {
    const webhookId = call.webhookId;
    this.#heldByWebhook.set(webhookId, (this.#heldByWebhook.get(webhookId) ?? 0) + 1);
    const attempt = deliverCall(this.#context, call, leaseToken, trigger)
      .catch((error: unknown) => {
        // The lease runs out and the call is claimed again, so nothing is lost.
        this.#context.events.emit('error', { error });
        throw error;
      })
      .finally(() => {
        this.#inFlight.delete(call.id);
        const held = (this.#heldByWebhook.get(webhookId) ?? 1) - 1;
        if (held > 0) this.#heldByWebhook.set(webhookId, held);
        else this.#heldByWebhook.delete(webhookId);
        this.wake();
        this.#signalChange();
      });
    this.#inFlight.set(call.id, attempt);
    return attempt;
  }

  /**
   * Sleeps `ms` (forever when infinite) or until woken. A wake resumes the loop after the current
   * I/O phase, so attempts that finish together free their slots before one claim fills them all.
   */
  #sleep(ms: number): Promise<void> {
    if (this.#wakeRequested || !this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => done(false), ms) : null;
      const done = (woken: boolean) => {
        if (timer) clearTimeout(timer);
        this.#wakeSleeper = null;
        if (woken) setImmediate(resolve);
        else resolve();
      };
      this.#wakeSleeper = () => done(true);
    });
  }

  #signalChange(): void {
    this.#changed?.resolve();
    this.#changed = null;
  }
}

/** A promise with its resolver (`Promise.withResolvers` arrives only in Node 22). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
