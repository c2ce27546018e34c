/**
 * The receiver every benchmark sends to: a node:http server on 127.0.0.1 that answers 200 at once,
 * in its own process so it never shares an event loop with the sender being measured.
 *
 * `/big` streams 100 MB instead, for the memory benchmark's oversized response; `/stats` answers
 * how many requests it has served and the CPU time it has used, so a benchmark can tell whether
 * the receiver was the bottleneck.
 * It reports `{ port }` over IPC once listening and exits when its parent goes away.
 */
import { createServer, type ServerResponse } from 'node:http';

const bigResponseBytes = 100 * 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 'x');

/** Writes `bytes` as fast as the client reads, and stops as soon as the client hangs up. */
function streamBig(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(bytes) });
  let left = bytes;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (left === 0) res.end();
  };
  res.on('error', () => undefined);
  pump();
}

let served = 0;

const server = createServer((req, res) => {
  req.resume();
  if (req.url === '/stats') {
    const cpu = process.cpuUsage();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requests: served, cpuMicros: cpu.user + cpu.system }));
    return;
  }
  served += 1;
  if (req.url === '/big') {
    streamBig(res, bigResponseBytes);
    return;
  }
  res.writeHead(200, { 'content-length': '0' });
  res.end();
});
server.keepAliveTimeout = 60_000;
server.on('clientError', (_error, socket) => socket.destroy());

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.send?.({ port: address.port });
});
process.on('disconnect', () => process.exit(0));
