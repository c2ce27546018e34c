import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { until } from './until.js';

/** A TCP listener on 127.0.0.1 that connections cannot reach: see `startUnacceptingListener`. */
export interface UnacceptingListener {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  origin: string;
  port: number;
  /** Closes the connections that fill the queue and ends the worker, which closes the listener. */
  close(): Promise<void>;
}

const backlog = 1;
/** Linux queues one connection more than the backlog before it drops SYNs. */
const queueCapacity = backlog + 1;

const listenerSource = `
const { parentPort } = require('node:worker_threads');
const server = require('node:net').createServer();
server.listen({ port: 0, host: '127.0.0.1', backlog: ${backlog} }, () => {
  parentPort.postMessage(server.address().port);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});
`;

/**
 * Starts a TCP listener on 127.0.0.1 that new connections cannot reach: `connect()` to it neither
 * succeeds nor fails, it hangs until the client gives up. This is how a connect timeout is made
 * without leaving loopback.
 *
 * Why it works (Linux): the kernel completes handshakes on its own and queues the connections
 * until the listener accepts them, up to the listen backlog plus one. Once that queue is full, it
 * drops further SYNs without an answer (neither SYN-ACK nor RST), and the client keeps resending
 * its SYN for about two minutes (`tcp_syn_retries`).
 *
 * So the listener must never accept. A `net.Server` accepts on its own whenever its event loop
 * runs (`pauseOnConnect` still accepts), so it listens in a worker thread that then blocks in
 * `Atomics.wait`: its loop never runs again and nothing is ever accepted. The backlog is 1 (Node
 * turns 0 into 511), and two connections of our own fill the queue.
 */
export async function startUnacceptingListener(): Promise<UnacceptingListener> {
  const worker = new Worker(listenerSource, { eval: true });
  const [port] = (await once(worker, 'message')) as [number];
  const fillers: net.Socket[] = [];
  const close = async () => {
    for (const socket of fillers) socket.destroy();
    // Ends a worker blocked in Atomics.wait too; its handles, the listener among them, are closed.
    await worker.terminate();
  };
  try {
    // One at a time, so each is queued before the next SYN arrives.
    for (let index = 0; index < queueCapacity; index += 1) {
      const socket = net.connect(port, '127.0.0.1');
      fillers.push(socket);
      await once(socket, 'connect');
    }
    // 'connect' means our side got the SYN-ACK; the kernel may queue the connection a moment
    // later. Until it has, a new connection could still get in.
    await until(async () => (await acceptQueueLength(port)) === queueCapacity);
  } catch (error) {
    await close();
    throw error;
  }
  return { origin: `http://127.0.0.1:${port}`, port, close };
}

/**
 * How many connections the kernel holds for the listener on 127.0.0.1:`port`: for a listening
 * socket, /proc/net/tcp shows the accept queue's length as its receive queue.
 */
async function acceptQueueLength(port: number): Promise<number> {
  const localAddress = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const listenState = '0A';
  for (const line of (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1)) {
    const [, local, , state, queues] = line.trim().split(/\s+/);
    if (local === localAddress && state === listenState) {
      return Number.parseInt(queues?.split(':')[1] ?? '', 16);
    }
  }
  throw new Error(`no listener on 127.0.0.1:${port} in /proc/net/tcp`);
}
