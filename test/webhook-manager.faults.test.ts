import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import type { HooklineEvents } from '../src/events.js';
import type { Attempt, WebhookCall } from '../src/types.js';
import type { WebhookManager, WebhookManagerOptions } from '../src/webhook-manager.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { publishEvent, webhookInput } from './support/fixtures.js';
import { localTransport } from './support/local-transport.js';
import { answer, closedPort, type ReceiverHandler } from './support/receiver.js';
import { startUnacceptingListener } from './support/unaccepting-listener.js';

// Receiver faults, each delivered by a real manager through UndiciTransport to a real receiver on
// 127.0.0.1. The schedule's first delay is long, so a retryable failure leaves the call
// `rescheduled` and nothing is sent again while the test looks at it.
const schedule = [10_000, 120_000];
const { receiver, createManager } = await useDeliveryHarness({
  manager: { retrySchedule: schedule, retryJitter: 0 },
});

interface Delivered {
  call: WebhookCall;
  attempts: Attempt[];
  manager: WebhookManager;
  events: { name: keyof HooklineEvents; payload: unknown }[];
}

async function deliverOnce(
  handler: ReceiverHandler | null,
  options: WebhookManagerOptions = {},
  url = `${receiver.url}/hook`,
): Promise<Delivered> {
  if (handler) receiver.handle(handler);
  const manager = createManager({
    transport: localTransport({ timeoutMs: 300, maxResponseBytes: 1024 }),
    ...options,
  });
  const events: Delivered['events'] = [];
  for (const name of ['webhook:disabled', 'call:rescheduled', 'call:failed', 'error'] as const) {
    manager.on(name, (payload) => events.push({ name, payload }));
  }
  await manager.createWebhook(webhookInput(url));
  await manager.start();
  const [created] = await manager.dispatch(publishEvent());
  await manager.idle();
  // Nothing more is sent while the test looks at the call.
  await manager.stop();
  const call = await manager.getCall(created?.id ?? '');
  return { call, attempts: await manager.listAttempts(call.id), manager, events };
}

/** The delay the worker chose: `nextRetryAt` is counted from the end of the attempt. */
function chosenDelay({ call, attempts }: Delivered): number {
  const attempt = attempts.at(-1);
  if (!attempt || !call.nextRetryAt || attempt.durationMs === null) throw new Error('no retry');
  return call.nextRetryAt.getTime() - (attempt.startedAt.getTime() + attempt.durationMs);
}

describe('receiver faults, recorded on the attempt and retried', () => {
  it.each<{ fault: string; handler: ReceiverHandler; code: string }>([
    {
      fault: 'a connection closed before any response',
      handler: (_request, _response, incoming) => incoming.socket.destroy(),
      code: 'CONNECTION_RESET',
    },
    {
      fault: 'a TCP reset before any response',
      handler: (_request, _response, incoming) => incoming.socket.resetAndDestroy(),
      code: 'CONNECTION_RESET',
    },
    {
      fault: 'a reset in the middle of the body',
      handler: (_request, response, incoming) => {
        response.writeHead(200, { 'content-length': '1000' });
        response.write('partial');
        setTimeout(() => incoming.socket.resetAndDestroy(), 20);
      },
      code: 'CONNECTION_RESET',
    },
    {
      fault: 'no response headers within the timeout',
      handler: () => undefined,
      code: 'HEADERS_TIMEOUT',
    },
    {
      fault: 'a body that trickles forever',
      handler: (_request, response) => {
        response.writeHead(200);
        const timer = setInterval(() => response.write('.'), 20);
        response.on('close', () => clearInterval(timer));
      },
      code: 'BODY_TIMEOUT',
    },
    {
      fault: 'invalid chunked encoding',
      handler: (_request, _response, incoming) => {
        incoming.socket.end(
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n',
        );
      },
      code: 'INVALID_RESPONSE',
    },
    {
      fault: 'a response that is not HTTP',
      handler: (_request, _response, incoming) => incoming.socket.end('SSH-2.0-OpenSSH\r\n\r\n'),
      code: 'INVALID_RESPONSE',
    },
  ])('$fault: $code, rescheduled', async ({ handler, code }) => {
    const delivered = await deliverOnce(handler);
    expect(delivered.events.filter((event) => event.name === 'error')).toEqual([]);
    expect(delivered.call.status).toBe('rescheduled');
    expect(delivered.call.error?.code).toBe(code);
    expect(delivered.attempts).toHaveLength(1);
    expect(delivered.attempts[0]?.error?.code).toBe(code);
    expect(delivered.attempts[0]?.responseStatus).toBeNull();
    expect(chosenDelay(delivered)).toBe(schedule[0]);
  });

  it('connection refused: CONNECTION_REFUSED, rescheduled', async () => {
    const port = await closedPort();
    const delivered = await deliverOnce(null, {}, `http://127.0.0.1:${port}/hook`);
    expect(delivered.call.status).toBe('rescheduled');
    expect(delivered.attempts[0]?.error?.code).toBe('CONNECTION_REFUSED');
  });

  it('a listener that never accepts: CONNECT_TIMEOUT, rescheduled', async () => {
    const listener = await startUnacceptingListener();
    try {
      const delivered = await deliverOnce(
        null,
        // The request's deadline comes after the connect timeout.
        { transport: localTransport({ connectTimeoutMs: 200, timeoutMs: 400 }) },
        `${listener.origin}/hook`,
      );
      expect(delivered.events.filter((event) => event.name === 'error')).toEqual([]);
      expect(delivered.call.status).toBe('rescheduled');
      expect(delivered.call.error?.code).toBe('CONNECT_TIMEOUT');
      expect(delivered.attempts).toHaveLength(1);
      expect(delivered.attempts[0]?.error?.code).toBe('CONNECT_TIMEOUT');
      expect(delivered.attempts[0]?.responseStatus).toBeNull();
      expect(chosenDelay(delivered)).toBe(schedule[0]);
    } finally {
      await listener.close();
    }
  });

  it.each<[number, string]>([
    [400, 'HTTP_ERROR'],
    [404, 'HTTP_ERROR'],
    [500, 'HTTP_ERROR'],
    [502, 'HTTP_ERROR'],
  ])('status %i: %s with the response recorded, rescheduled', async (status, code) => {
    const delivered = await deliverOnce(
      answer(status, { headers: { 'x-reason': 'nope' }, body: 'failure body' }),
    );
    expect(delivered.call.status).toBe('rescheduled');
    const [attempt] = delivered.attempts;
    expect(attempt?.error?.code).toBe(code);
    expect(attempt?.responseStatus).toBe(status);
    expect(attempt?.responseHeaders?.['x-reason']).toBe('nope');
    expect(attempt?.responsePayload).toBe('failure body');
  });

  it('a 3xx is a failure and its Location is not followed', async () => {
    const delivered = await deliverOnce(
      answer(302, { headers: { location: `${receiver.url}/elsewhere` }, body: 'moved' }),
    );
    expect(delivered.call.status).toBe('rescheduled');
    expect(delivered.attempts[0]?.error?.code).toBe('REDIRECT_NOT_FOLLOWED');
    expect(delivered.attempts[0]?.responseStatus).toBe(302);
    const sent = receiver.requests.map((request) => request.url);
    expect(sent).toEqual(['/hook']);
  });

  it('429 with Retry-After in seconds: the retry waits that long', async () => {
    const delivered = await deliverOnce(answer(429, { headers: { 'retry-after': '30' } }));
    expect(delivered.call.status).toBe('rescheduled');
    expect(delivered.attempts[0]?.error?.code).toBe('HTTP_ERROR');
    expect(chosenDelay(delivered)).toBe(30_000);
  });

  it('429 with a Retry-After shorter than the schedule: the schedule wins', async () => {
    const delivered = await deliverOnce(answer(429, { headers: { 'retry-after': '1' } }));
    expect(chosenDelay(delivered)).toBe(schedule[0]);
  });

  it('503 with Retry-After as an HTTP-date: honoured', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const delivered = await deliverOnce(answer(503, { headers: { 'retry-after': inAMinute } }));
    // The date has whole seconds and some time passes before it is read.
    expect(chosenDelay(delivered)).toBeGreaterThan(schedule[0] ?? 0);
    expect(chosenDelay(delivered)).toBeLessThanOrEqual(60_000);
  });

  it('503 with a Retry-After beyond the schedule: bounded by its longest delay', async () => {
    const nextWeek = new Date(Date.now() + 7 * 86_400_000).toUTCString();
    const delivered = await deliverOnce(answer(503, { headers: { 'retry-after': nextWeek } }));
    expect(chosenDelay(delivered)).toBe(Math.max(...schedule));
  });

  it('Retry-After on other statuses is ignored', async () => {
    const delivered = await deliverOnce(answer(500, { headers: { 'retry-after': '90' } }));
    expect(chosenDelay(delivered)).toBe(schedule[0]);
  });

  it('410 Gone: the call fails, the webhook is disabled and webhook:disabled is emitted', async () => {
    const delivered = await deliverOnce(answer(410));
    expect(delivered.call.status).toBe('failed');
    expect(delivered.call.nextRetryAt).toBeNull();
    expect(delivered.attempts[0]?.error?.code).toBe('GONE');
    const webhook = await delivered.manager.getWebhook(delivered.call.webhookId);
    expect(webhook.enabled).toBe(false);
    expect(webhook.disabledReason).toMatch(/410 Gone/);
    const disabled = delivered.events.filter((event) => event.name === 'webhook:disabled');
    expect(disabled).toHaveLength(1);
    expect(disabled[0]?.payload).toMatchObject({
      webhook: { id: webhook.id, enabled: false },
      reason: webhook.disabledReason,
    });
    // A disabled webhook gets no new calls.
    expect(await delivered.manager.dispatch(publishEvent())).toEqual([]);
  });
});

describe('a 100 MB response body', () => {
  const total = 100 * 1024 * 1024;

  /**
   * Answers with `total` bytes in 64 KiB chunks, as fast as the client reads them, and stops once
   * the client hangs up. `sent` and `closedEarly` tell how far it got.
   */
  function hugeBody(headers: http.OutgoingHttpHeaders) {
    const progress = { sent: 0, closedEarly: false };
    const handler: ReceiverHandler = (_request, response) => {
      let closed = false;
      response.writeHead(200, headers);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (!closed && progress.sent < total) {
          progress.sent += chunk.length;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
        response.end();
      };
      response.on('close', () => {
        closed = true;
        progress.closedEarly = progress.sent < total;
      });
      pump();
    };
    return { handler, progress };
  }

  it('is read only up to maxResponseBytes, then the connection is dropped; memory stays flat', async () => {
    const { handler, progress } = hugeBody({ 'content-length': String(total) });
    receiver.handle(handler);
    const transport = localTransport({ maxResponseBytes: 4096 });
    const before = process.memoryUsage().rss;
    try {
      const response = await transport.send({
        url: `${receiver.url}/big`,
        method: 'POST',
        headers: {},
        body: '{}',
      });
      expect(response.status).toBe(200);
      expect(response.bodyTruncated).toBe(true);
      expect(Buffer.byteLength(response.body)).toBe(4096);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(progress.closedEarly).toBe(true);
      expect(progress.sent).toBeLessThan(total / 4);
      // Buffering the body would grow the process by 100 MB or more.
      const grewMb = (process.memoryUsage().rss - before) / (1024 * 1024);
      expect(grewMb).toBeLessThan(40);
    } finally {
      await transport.close();
    }
  });

  it('through the manager, chunked: the call succeeds with the body cut at the cap', async () => {
    const delivered = await deliverOnce(hugeBody({}).handler);
    expect(delivered.call.status).toBe('success');
    expect(delivered.call.responsePayload).toHaveLength(1024);
  });
});
