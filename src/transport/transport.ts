/** One HTTP request as the worker built it: payload rendered, headers, auth and signature set. */
export interface TransportRequest {
  url: string;
  method: 'POST';
  headers: Readonly<Record<string, string>>;
  body: string;
  /** Aborted when the manager stops for good; the transport gives up and throws `ABORTED`. */
  signal?: AbortSignal;
}

/** What came back. A transport returns any status; deciding what counts as success is the worker's. */
export interface TransportResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body as text, cut at the transport's cap. */
  body: string;
  /** `true` when the body was longer than the cap and the rest was not read. */
  bodyTruncated: boolean;
}

/**
 * Sends one webhook request. `UndiciTransport` is the default; `RecordingTransport` (from
 * `hookline/testing`) is the fake. An implementation must not follow redirects, must bound how long
 * it waits and how much of the body it reads, and must report failures before a response as a
 * `HooklineTransportError` with a stable code (anything else thrown is recorded as `NETWORK_ERROR`).
 */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Releases pooled connections. The manager never calls it: whoever made the transport does. */
  close?(): Promise<void>;
}
