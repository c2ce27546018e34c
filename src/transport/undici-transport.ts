import { Agent, errors as undiciErrors } from 'undici';
import { HooklineTransportError, type TransportErrorCode } from '../errors.js';
import { cappedRequest } from './capped-request.js';
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
function classify(error: unknown): HooklineTransportError {
  if (error instanceof HooklineTransportError) return error;
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
    try {
      const response = await cappedRequest(this.#agent, {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
        body: request.body,
        timeoutMs: this.#timeoutMs,
        maxResponseBytes: this.#maxResponseBytes,
        signal: request.signal,
      });
      return {
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body: response.body,
        bodyTruncated: response.truncated,
      };
    } catch (error) {
      throw classify(error);
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
