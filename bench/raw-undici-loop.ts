import { Agent } from 'undici';

/** Bookkeeping the loop does around each request; the call-log floor plugs in here. */
export interface RequestLog<Entry> {
  /** Before request `index` is sent with `body`; returns what `answered` gets back. */
  sending(index: number, body: string, headers: Record<string, string>): Entry;
  answered(entry: Entry, status: number, responseBody: string): void;
}

export interface RawLoopOptions<Entry = unknown> {
  url: string;
  count: number;
  concurrency: number;
  /** The body of request `index`. */
  body: (index: number) => string;
  agent: Agent;
  log?: RequestLog<Entry>;
}

/**
 * The practical limit of a hand-rolled sender: `concurrency` loops POSTing through one keep-alive
 * undici Agent, no persistence, no bookkeeping beyond counting 2xx answers (unless a `log` is
 * given). Returns how many succeeded.
 */
export async function rawUndiciLoop<Entry>(options: RawLoopOptions<Entry>): Promise<number> {
  const url = new URL(options.url);
  const path = `${url.pathname}${url.search}`;
  const { log } = options;
  let next = 0;
  let succeeded = 0;
  const loop = async () => {
    for (let index = next++; index < options.count; index = next++) {
      const headers = { 'content-type': 'application/json', 'user-agent': 'raw-loop/1' };
      const body = options.body(index);
      const entry = log?.sending(index, body, headers);
      const response = await options.agent.request({
        origin: url.origin,
        path,
        method: 'POST',
        headers,
        body,
      });
      const text = await response.body.text();
      if (log) log.answered(entry as Entry, response.statusCode, text);
      if (response.statusCode >= 200 && response.statusCode < 300) succeeded += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return succeeded;
}

/** The Agent a hand-rolled sender would use: keep-alive, as many connections as loops. */
export function rawAgent(concurrency: number): Agent {
  return new Agent({ connections: concurrency });
}
