import { Agent, errors as undiciErrors } from 'undici';
import { HooklineTransportError, type TransportErrorCode } from '../errors.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

export interface UndiciTransportOptions {
  /** How long to wait for the TCP (and TLS) connection. Default: 2000 ms. */
  connectTimeoutMs?: number;
  /** How long one request may take in all, connecting and reading the body included. Default: 8000 ms. */
  timeoutMs?: number;
  /** How much of a response body is read and kept; the rest is dropped with the connection. Default: 64 KiB. */
  maxResponseBytes?: number;
  /** Keep-alive connections per origin. Default: 32. */
  connectionsPerOrigin?: number;
}

const defaults = {
  connectTimeoutMs: 2_000,
  timeoutMs: 8_000,
  maxResponseBytes: 64 * 1024,
  connectionsPerOrigin: 32,
} satisfies Required<UndiciTransportOptions>;

const socketErrorCodes: Record<string, TransportErrorCode> = {
  ECONNREFUSED: 'CONNECTION_REFUSED',
  ECONNRESET: 'CONNECTION_RESET',
  EPIPE: 'CONNECTION_RESET',
  ENOTFOUND: 'DNS_FAILED',
  EAI_AGAIN: 'DNS_FAILED',
  ETIMEDOUT: 'CONNECT_TIMEOUT',
  UND_ERR_CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'HEADERS_TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'BODY_TIMEOUT',
  UND_ERR_SOCKET: 'CONNECTION_RESET',
  UND_ERR_CLOSED: 'CONNECTION_RESET',
  HPE_INVALID_CHUNK_SIZE: 'INVALID_RESPONSE',
  HPE_INVALID_CONSTANT: 'INVALID_RESPONSE',
  HPE_INVALID_HEADER_TOKEN: 'INVALID_RESPONSE',
  HPE_INVALID_STATUS: 'INVALID_RESPONSE',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'INVALID_RESPONSE',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'INVALID_RESPONSE',
};

/** Finds the most specific known code in an error and its causes. */
function classify(error: unknown, timedOut: boolean): HooklineTransportError {
  if (error instanceof HooklineTransportError) return error;
  if (timedOut) {
    return new HooklineTransportError('TIMEOUT', 'the request took longer than the timeout', {
      cause: error,
    });
  }
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && socketErrorCodes[code]) {
      return new HooklineTransportError(
        socketErrorCodes[code],
        (current as Error).message || code,
        { cause: error },
      );
    }
    if (
      current instanceof undiciErrors.RequestAbortedError ||
      (current as Error).name === 'AbortError'
    ) {
      return new HooklineTransportError('ABORTED', 'the request was aborted', { cause: error });
    }
    current = (current as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new HooklineTransportError('NETWORK_ERROR', message, { cause: error });
}

function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * The default transport: undici with keep-alive pooling, a connect timeout and an overall timeout,
 * no redirects, and a response body read only up to `maxResponseBytes`.
 */
export class UndiciTransport implements Transport {
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;

  constructor(options: UndiciTransportOptions = {}) {
    const settings = { ...defaults, ...options };
    this.#timeoutMs = settings.timeoutMs;
    this.#maxResponseBytes = settings.maxResponseBytes;
    this.#agent = new Agent({
      connect: { timeout: settings.connectTimeoutMs },
      connections: settings.connectionsPerOrigin,
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
    });
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const url = new URL(request.url);
    // A timer cleared on completion: AbortSignal.timeout costs ~7 us and lives until it fires.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.#timeoutMs);
    const signal = request.signal
      ? AbortSignal.any([deadline.signal, request.signal])
      : deadline.signal;
    try {
      const response = await this.#agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
      });
      const { text, truncated } = await this.#readCapped(response.body);
      return {
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body: text,
        bodyTruncated: truncated,
      };
    } catch (error) {
      throw classify(error, deadline.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #readCapped(
    body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown },
  ): Promise<{ text: string; truncated: boolean }> {
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of body) {
      const room = this.#maxResponseBytes - length;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        // Stop reading: destroying the body drops the connection instead of draining the rest.
        body.destroy();
        return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
      }
      chunks.push(chunk);
      length += chunk.length;
    }
    return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
  }
}
