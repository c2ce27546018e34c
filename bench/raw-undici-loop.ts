import { Agent } from 'undici';

export interface RawLoopOptions {
  url: string;
  count: number;
  concurrency: number;
  /** The body of request `index`. */
  body: (index: number) => string;
  agent: Agent;
}

/**
 * The practical limit of a hand-rolled sender: `concurrency` loops POSTing through one keep-alive
 * undici Agent, no persistence, no bookkeeping beyond counting 2xx answers. Returns how many
 * succeeded.
 */
export async function rawUndiciLoop(options: RawLoopOptions): Promise<number> {
  const url = new URL(options.url);
  const path = `${url.pathname}${url.search}`;
  let next = 0;
  let succeeded = 0;
  const loop = async () => {
    for (let index = next++; index < options.count; index = next++) {
      const response = await options.agent.request({
        origin: url.origin,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'raw-loop/1' },
        body: options.body(index),
      });
      await response.body.text();
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
