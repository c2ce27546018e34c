import mittModule, { type Emitter } from 'mitt';
import type { Attempt, Webhook, WebhookCall } from './types.js';

/** Every event the manager emits, with its payload (always an object). */
export type HooklineEvents = {
  'call:created': { call: WebhookCall };
  'call:attempt': { call: WebhookCall; attempt: Attempt };
  'call:succeeded': { call: WebhookCall };
  'call:rescheduled': { call: WebhookCall };
  'call:failed': { call: WebhookCall };
  /** `webhook` has its password and secrets redacted. */
  'webhook:disabled': { webhook: Webhook; reason: string };
  /** A repository or internal fault; delivery goes on. A listener's own exception lands here too. */
  error: { error: unknown };
};

export type HooklineEventName = keyof HooklineEvents;
export type HooklineListener<Name extends HooklineEventName> = (
  payload: HooklineEvents[Name],
) => void;

// mitt ships CommonJS-style typings while Node loads its ESM build, whose default export is the
// factory itself; under NodeNext the typings describe `{ default: factory }`. Take whichever arrives.
const mitt: typeof mittModule.default = 'default' in mittModule ? mittModule.default : mittModule;

/**
 * mitt with one addition: a listener that throws (or rejects) cannot break delivery or starve the
 * listeners after it; its error is reported on `error` instead.
 */
export class EventHub {
  readonly #emitter: Emitter<HooklineEvents> = mitt<HooklineEvents>();
  /** The wrapper registered for each (event name, listener), so `off` can find it. */
  readonly #guarded = new Map<HooklineEventName, Map<unknown, (payload: never) => void>>();

  on<Name extends HooklineEventName>(name: Name, listener: HooklineListener<Name>): void {
    const guarded = (payload: HooklineEvents[Name]) => {
      try {
        const result: unknown = listener(payload);
        if (result instanceof Promise) result.catch((error) => this.#listenerFailed(name, error));
      } catch (error) {
        this.#listenerFailed(name, error);
      }
    };
    let byListener = this.#guarded.get(name);
    if (!byListener) {
      byListener = new Map();
      this.#guarded.set(name, byListener);
    }
    this.off(name, listener);
    byListener.set(listener, guarded);
    this.#emitter.on(name, guarded);
  }

  off<Name extends HooklineEventName>(name: Name, listener: HooklineListener<Name>): void {
    const byListener = this.#guarded.get(name);
    const guarded = byListener?.get(listener);
    if (!guarded) return;
    this.#emitter.off(name, guarded as HooklineListener<Name>);
    byListener?.delete(listener);
  }

  emit<Name extends HooklineEventName>(name: Name, payload: HooklineEvents[Name]): void {
    this.#emitter.emit(name, payload);
  }

  #listenerFailed(name: HooklineEventName, error: unknown): void {
    // A failing `error` listener has nowhere left to report to.
    if (name !== 'error') this.emit('error', { error });
  }
}
