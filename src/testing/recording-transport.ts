import { HooklineTransportError, type TransportErrorCode } from '../errors.js';
import type { Transport, TransportRequest, TransportResponse } from '../transport/transport.js';

/** A scripted answer: a response (fields optional), or a transport failure with its code. */
export type ScriptedReply =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { error: TransportErrorCode; message?: string };

/** Decides the reply per request, for answers that depend on the URL or the body. */
export type ReplyFunction = (request: TransportRequest) => ScriptedReply | Promise<ScriptedReply>;

/**
 * A transport that sends nothing: it records every request and answers from a script. Replies queued
 * with `reply()` are used first, in order; after that every request gets the fallback (200 unless set).
 */
export class RecordingTransport implements Transport {
  readonly requests: TransportRequest[] = [];
  readonly #queue: (ScriptedReply | ReplyFunction)[] = [];
  #fallback: ScriptedReply | ReplyFunction;

  constructor(fallback: ScriptedReply | ReplyFunction = { status: 200 }) {
    this.#fallback = fallback;
  }

  /** Queues replies for the next requests, in order. */
  reply(...replies: (ScriptedReply | ReplyFunction)[]): this {
    this.#queue.push(...replies);
    return this;
  }

  /** Replaces the reply used once the queue is empty. */
  replyAlways(reply: ScriptedReply | ReplyFunction): this {
    this.#fallback = reply;
    return this;
  }

  /** Requests to one URL, in order, with their bodies parsed as JSON. */
  bodiesFor(url: string): unknown[] {
    return this.requests
      .filter((request) => request.url === url)
      .map((request) => JSON.parse(request.body));
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    this.requests.push(request);
    const next = this.#queue.shift() ?? this.#fallback;
    const reply = typeof next === 'function' ? await next(request) : next;
    if ('error' in reply) {
      throw new HooklineTransportError(reply.error, reply.message ?? `scripted ${reply.error}`);
    }
    const headers = Object.fromEntries(
      Object.entries(reply.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
    );
    return { status: reply.status, headers, body: reply.body ?? '', bodyTruncated: false };
  }
}
