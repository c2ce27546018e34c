import type { Dispatcher } from 'undici';

export interface CappedRequestOptions {
  origin: string;
  path: string;
  method: 'POST';
  headers: Readonly<Record<string, string>>;
  body: string;
  /** The whole exchange must end within this, waiting for a connection and reading included. */
  timeoutMs: number;
  /** Body bytes kept; past them the connection is dropped. */
  maxResponseBytes: number;
  signal?: AbortSignal;
}

export interface CappedResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  truncated: boolean;
}

/** Which step of a request was under way: waiting for the response headers, or reading the body. */
export type RequestPhase = 'headers' | 'body';

/** The request was given up on from this side: its deadline passed or the caller's signal fired. */
export class RequestStopped extends Error {
  readonly reason: 'deadline' | 'aborted';
  readonly phase: RequestPhase;

  constructor(reason: 'deadline' | 'aborted', phase: RequestPhase) {
    super(reason === 'deadline' ? 'the request deadline passed' : 'the request was aborted');
    this.name = 'RequestStopped';
    this.reason = reason;
    this.phase = phase;
  }
}

/**
 * One request on undici's dispatch API, with an overall deadline and a cap on the body kept.
 * `Dispatcher.request` with an AbortSignal and a body stream costs about twice the request itself
 * on a fast network; a handler and one timer do the same job. Failures come back as undici's errors,
 * except the deadline and the caller's signal (`RequestStopped`).
 */
export function cappedRequest(
  dispatcher: Dispatcher,
  options: CappedRequestOptions,
): Promise<CappedResponse> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | null = null;
    let stopped: RequestStopped | null = null;
    let settled = false;
    let phase: RequestPhase = 'headers';
    let statusCode = 0;
    let headers: CappedResponse['headers'] = {};
    const chunks: Buffer[] = [];
    let length = 0;

    const settle = (error: Error | null, truncated = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else
        resolve({ statusCode, headers, body: Buffer.concat(chunks, length).toString(), truncated });
    };
    // The deadline and the caller's signal may fire while the request still waits for a connection:
    // it is then aborted as soon as undici starts it.
    const stop = (reason: 'deadline' | 'aborted') => {
      if (settled) return;
      stopped = new RequestStopped(reason, phase);
      controller?.abort(stopped);
      settle(stopped);
    };
    const timer = setTimeout(() => stop('deadline'), options.timeoutMs);
    const onAbort = () => stop('aborted');
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(requestController) {
        controller = requestController;
        if (stopped) requestController.abort(stopped);
      },
      onResponseStart(_controller, status, responseHeaders) {
        // 1xx informational answers come first and are not the response.
        if (status < 200) return;
        phase = 'body';
        statusCode = status;
        headers = responseHeaders;
      },
      onResponseData(requestController, chunk) {
        if (settled) return;
        const room = options.maxResponseBytes - length;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          length += room;
          settle(null, true);
          // Drop the connection instead of draining the rest.
          requestController.abort(new Error('response body over the cap'));
          return;
        }
        chunks.push(chunk);
        length += chunk.length;
      },
      onResponseEnd() {
        settle(null);
      },
      onResponseError(_controller, error) {
        settle(error);
      },
    };
    try {
      dispatcher.dispatch(
        {
          origin: options.origin,
          path: options.path,
          method: options.method,
          headers: options.headers,
          body: options.body,
        },
        handler,
      );
    } catch (error) {
      settle(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
