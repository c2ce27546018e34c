import net from 'node:net';
import { Agent, buildConnector, errors as undiciErrors } from 'undici';
import { HooklineTransportError, type TransportErrorCode } from '../errors.js';
import { AddressGuard, type AddressGuardOptions } from './address-guard.js';
import { cappedRequest, RequestStopped } from './capped-request.js';
import { withConnectTimeout } from './connect-timeout.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

export interface UndiciTransportOptions extends AddressGuardOptions {
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
};

/** Error codes of Node's sockets and of undici (checked against undici 7), and what they mean here. */
const socketErrorCodes: Record<string, TransportErrorCode> = {
  ECONNREFUSED: 'CONNECTION_REFUSED',
  ECONNRESET: 'CONNECTION_RESET',
  ECONNABORTED: 'CONNECTION_RESET',
  EPIPE: 'CONNECTION_RESET',
  ENOTFOUND: 'DNS_FAILED',
  EAI_AGAIN: 'DNS_FAILED',
  EAI_FAIL: 'DNS_FAILED',
  EAI_NODATA: 'DNS_FAILED',
  ETIMEDOUT: 'CONNECT_TIMEOUT',
  UND_ERR_CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  // The receiver closed the connection before the response was complete ("other side closed").
  UND_ERR_SOCKET: 'CONNECTION_RESET',
  UND_ERR_CLOSED: 'CONNECTION_RESET',
  UND_ERR_HEADERS_OVERFLOW: 'INVALID_RESPONSE',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'INVALID_RESPONSE',
  UND_ERR_INFO: 'INVALID_RESPONSE',
};

const codeDescriptions: Record<TransportErrorCode, string> = {
  CONNECT_TIMEOUT: 'could not connect within the connect timeout',
  CONNECTION_REFUSED: 'the receiver refused the connection',
  CONNECTION_RESET: 'the connection was closed before a complete response',
  DNS_FAILED: 'the host name could not be resolved',
  HEADERS_TIMEOUT: 'no response headers within the timeout',
  BODY_TIMEOUT: 'the response body did not end within the timeout',
  TIMEOUT: 'the request took longer than the timeout',
  BLOCKED_ADDRESS: 'the address is not allowed',
  INVALID_RESPONSE: 'the response is not valid HTTP/1.1',
  ABORTED: 'the request was aborted',
  NETWORK_ERROR: 'the request failed',
};

function transportError(code: TransportErrorCode, cause: unknown): HooklineTransportError {
  const detail = cause instanceof Error && cause.message ? ` (${cause.message})` : '';
  return new HooklineTransportError(code, `${codeDescriptions[code]}${detail}`, { cause });
}

/**
 * Finds the most specific known code in an error and its causes. undici 7's parser errors carry no
 * `code` (their `HPE_*` lookup yields `undefined`), so they are recognised by class instead.
 */
function classify(error: unknown, timeoutMs: number): HooklineTransportError {
  if (error instanceof RequestStopped) {
    if (error.reason === 'aborted') {
      return new HooklineTransportError('ABORTED', codeDescriptions.ABORTED, { cause: error });
    }
    return new HooklineTransportError(
      error.phase === 'headers' ? 'HEADERS_TIMEOUT' : 'BODY_TIMEOUT',
      error.phase === 'headers'
        ? `no response headers within ${timeoutMs} ms`
        : `the response body did not end within ${timeoutMs} ms`,
      { cause: error },
    );
  }
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof HooklineTransportError) return current;
    if (current instanceof undiciErrors.HTTPParserError) {
      return transportError('INVALID_RESPONSE', current);
    }
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && socketErrorCodes[code]) {
      return transportError(socketErrorCodes[code], current);
    }
    if (
      current instanceof undiciErrors.RequestAbortedError ||
      (current as Error).name === 'AbortError'
    ) {
      return transportError('ABORTED', current);
    }
    current = (current as { cause?: unknown }).cause;
  }
  return transportError('NETWORK_ERROR', error);
}

/**
 * `connect` with the address guard in front. Host names are checked by the guard's `lookup` (given
 * to `buildConnector`) on the addresses they resolve to; IP literals never reach `lookup`, so they
 * are checked here. Either way the check happens as the socket is opened, for every new connection.
 */
function guardedConnector(
  guard: AddressGuard,
  connect: buildConnector.connector,
): buildConnector.connector {
  return (options, callback) => {
    if (net.isIP(options.hostname)) {
      try {
        guard.check(options.hostname, options.hostname);
      } catch (error) {
        callback(error as Error, null);
        return;
      }
    }
    connect(options, callback);
  };
}

function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  // for...in rather than Object.entries: no array per header on every response.
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && Object.hasOwn(headers, name))
      flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * The default transport: undici with keep-alive pooling, a connect timeout and an overall timeout,
 * no redirects, a response body read only up to `maxResponseBytes`, and an address guard that
 * refuses loopback, private, link-local and other non-public addresses unless allowed
 * (`allowPrivateNetworks`, `allowedHosts`).
 */
export class UndiciTransport implements Transport {
  readonly #agent: Agent;
  #closing: Promise<void> | null = null;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;

  constructor(options: UndiciTransportOptions = {}) {
    const settings = { ...defaults, ...options };
    this.#timeoutMs = settings.timeoutMs;
    this.#maxResponseBytes = settings.maxResponseBytes;
    const guard = new AddressGuard(options);
    const connect = withConnectTimeout(
      buildConnector({
        timeout: settings.connectTimeoutMs,
        ...(guard.active ? { lookup: guard.lookup } : {}),
      }),
      settings.connectTimeoutMs,
    );
    this.#agent = new Agent({
      connect: guard.active ? guardedConnector(guard, connect) : connect,
      connections: settings.connectionsPerOrigin,
      // The request's own deadline bounds both; undici's timers, firing at about the same moment,
      // would only make the reported code depend on which one won.
      headersTimeout: 0,
      bodyTimeout: 0,
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
      throw classify(error, this.#timeoutMs);
    }
  }

  /** Closes the pooled connections once; later calls resolve at once, as shutdown code expects. */
  async close(): Promise<void> {
    this.#closing ??= this.#agent.close();
    await this.#closing;
  }
}
