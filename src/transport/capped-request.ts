import type { Dispatcher } from 'undici';
import { HooklineTransportError } from '../errors.js';

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

/**
 * One request on undici's dispatch API, with an overall deadline and a cap on the body kept.
 * `Dispatcher.request` with an AbortSignal and a body stream costs about twice the request itself
 * on a fast network; a handler and one timer do the same job. Failures before a response come back
 * as undici's errors, except the deadline (`TIMEOUT`) and the caller's signal (`ABORTED`).
 */
export function cappedRequest(
  dispatcher: Dispatcher,
  options: CappedRequestOptions,
): Promise<CappedResponse> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | null = null;
    let stopped: Error | null = null;
    let settled = false;
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
      else {
        const body = Buffer.concat(chunks, Math.min(length, options.maxResponseBytes)).toString();
        resolve({ statusCode, headers, body, truncated });
      }
    };
    // The deadline and the caller's signal may fire while the request still waits for a connection:
    // it is then aborted as soon as undici starts it.
    const stop = (error: HooklineTransportError) => {
      stopped = error;
      controller?.abort(error);
      settle(error);
    };
    const timer = setTimeout(
      () => stop(new HooklineTransportError('TIMEOUT', 'the request took longer than the timeout')),
      options.timeoutMs,
    );
    const onAbort = () => stop(new HooklineTransportError('ABORTED', 'the request was aborted'));
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
