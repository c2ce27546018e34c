import { describe, expect, it } from 'vitest';
import { HooklineError } from '../src/errors.js';
import type { HooklineEventName } from '../src/events.js';
import { generateSecret } from '../src/signing.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { errorFrom } from './support/error-from.js';
import { publishEvent, webhookInput } from './support/fixtures.js';
import { closedPort } from './support/receiver.js';

// Deliveries, retries, a resend, failures and a 410 against a receiver that echoes every request
// header back, decoded basic auth included, in its response body and headers. Nothing hookline
// stores, emits or throws may contain a password, a secret or an Authorization value.
const user = 'editor';
const password = 'S3cr3t-P@ss"w0rd\\with-escapes';
const bearer = 'Bearer tok-6f1b2c9e8d7a-very-private';
const secret = generateSecret();
const secondSecret = generateSecret();
const rotatedSecret = generateSecret();

const needles = [
  password,
  Buffer.from(`${user}:${password}`).toString('base64'),
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  bearer,
  bearer.slice('Bearer '.length),
  secret,
  secret.slice('whsec_'.length),
  secondSecret,
  secondSecret.slice('whsec_'.length),
  rotatedSecret,
  rotatedSecret.slice('whsec_'.length),
];

const eventNames: HooklineEventName[] = [
  'call:created',
  'call:attempt',
  'call:succeeded',
  'call:rescheduled',
  'call:failed',
  'webhook:disabled',
  'error',
];

/**
 * Every string inside a value, errors' messages, stacks and causes included. Strings are searched
 * as they are, not as JSON, where a quote in a password would be escaped once more and slip by.
 */
function strings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (value instanceof Error) {
    found.push(value.name, value.message, value.stack ?? '');
    strings(value.cause, found);
    strings({ ...value }, found);
  } else if (Array.isArray(value)) for (const item of value) strings(item, found);
  else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      found.push(key);
      strings(item, found);
    }
  }
  return found;
}

/** The needles found in any string of `values`, as written or JSON-escaped. */
function leaks(values: unknown[]): string[] {
  const haystack = strings(values);
  return needles.filter((needle) => {
    const escaped = JSON.stringify(needle).slice(1, -1);
    return haystack.some((text) => text.includes(needle) || text.includes(escaped));
  });
}

const { receiver, createManager } = await useDeliveryHarness({
  handler: (request, response) => {
    const authorization = request.headers.authorization ?? '';
    const decoded = authorization.startsWith('Basic ')
      ? Buffer.from(authorization.slice(6), 'base64').toString()
      : '';
    const gone = request.url.startsWith('/gone');
    const failing = request.url.startsWith('/failing') || request.url.startsWith('/gone');
    const flaky = request.url.startsWith('/flaky') && !request.headers['x-second-try'];
    response.writeHead(gone ? 410 : failing || flaky ? 500 : 200, {
      'x-echo-authorization': authorization,
      'x-echo-decoded': decoded,
      'x-echo-signature': request.headers['webhook-signature'] ?? '',
      'content-type': 'application/json',
    });
    response.end(
      JSON.stringify({ headers: request.headers, decoded, body: request.body.toString() }),
    );
  },
});

describe('secrets never reach the call log, events or errors', () => {
  it('finds no password, credentials, Authorization value or secret anywhere', async () => {
    const manager = createManager({ retrySchedule: [30, 60], secretRotationGraceMs: 3_600_000 });
    const emitted: { name: HooklineEventName; payload: unknown }[] = [];
    for (const name of eventNames) {
      manager.on(name, (payload) => emitted.push({ name, payload: structuredClone(payload) }));
    }
    const thrown: unknown[] = [];
    await manager.start();
    const basic = await manager.createWebhook(
      webhookInput(`${receiver.url}/ok-basic`, {
        httpBasicUser: user,
        httpBasicPassword: password,
        secret,
      }),
    );
    const flaky = await manager.createWebhook(
      webhookInput(`${receiver.url}/flaky`, {
        headers: { Authorization: bearer },
        secret: secondSecret,
      }),
    );
    // A rotation: both secrets sign, and both must stay out of the log.
    await manager.updateWebhook(flaky.id, { secret: rotatedSecret });
    await manager.createWebhook(
      webhookInput(`${receiver.url}/failing`, {
        httpBasicUser: user,
        httpBasicPassword: password,
        secret,
      }),
    );
    await manager.createWebhook(
      webhookInput(`${receiver.url}/gone`, { headers: { Authorization: bearer }, secret }),
    );
    const calls = await manager.dispatch(publishEvent());
    expect(calls).toHaveLength(4);
    await manager.idle();
    // The retry of the flaky webhook goes out with a header that makes it succeed.
    await manager.updateWebhook(flaky.id, {
      headers: { Authorization: bearer, 'X-Second-Try': 'yes' },
    });
    await manager.idle({ includeRetries: true });

    for (const call of calls) await manager.resendCall(call.id);
    // Transport failures carry their own messages: point one webhook at a closed port.
    await manager.updateWebhook(basic.id, {
      url: `http://127.0.0.1:${await closedPort()}/closed`,
    });
    await manager.resendCall(calls[0]?.id ?? '');

    // Bad input that carries a secret must not be echoed back in the error.
    const badInputs = [
      () => manager.updateWebhook(basic.id, { headers: { 'X-Leak': `${password}\r\n` } }),
      () => manager.updateWebhook(basic.id, { secret: `whsec_${password}` }),
      () => manager.updateWebhook(basic.id, { headers: { Authorization: bearer } }),
      () => manager.createWebhook(webhookInput(`http://${user}:${password}@127.0.0.1/`)),
    ];
    for (const attempt of badInputs) thrown.push(await errorFrom(attempt, HooklineError));

    const { calls: stored, total } = await manager.listCalls({ limit: 500 });
    expect(total).toBe(4);
    const statuses = stored.map((call) => call.status).sort();
    expect(statuses).toEqual(['failed', 'failed', 'failed', 'success']);
    const records: unknown[] = [stored];
    let attemptsSeen = 0;
    for (const call of stored) {
      records.push(await manager.getCall(call.id));
      const attempts = await manager.listAttempts(call.id);
      attemptsSeen += attempts.length;
      records.push(attempts);
    }
    // Make sure there was something to leak: echoes came back and were recorded.
    expect(attemptsSeen).toBeGreaterThanOrEqual(10);
    const recorded = strings(records).join('\n');
    expect(recorded).toContain('x-echo-authorization');
    expect(recorded).toContain('[REDACTED]');
    const names = emitted.map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining(eventNames.filter((name) => name !== 'error')));
    expect(strings(emitted).join('\n')).toContain('CONNECTION_REFUSED');

    expect(leaks(records)).toEqual([]);
    expect(leaks(emitted)).toEqual([]);
    expect(leaks(thrown)).toEqual([]);
    // The search can find them: the receiver got the real values and echoed them back.
    expect(leaks(receiver.requests.map((request) => request.headers))).toEqual(
      expect.arrayContaining([bearer, needles[1], needles[2]]),
    );
  });
});
