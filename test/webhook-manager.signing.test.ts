import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, verifyWebhook } from '../src/signing.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { publishEvent, webhookInput } from './support/fixtures.js';
import type { ReceivedRequest } from './support/receiver.js';

const { receiver, startManager } = await useDeliveryHarness({
  manager: { retrySchedule: [30, 60] },
});

function headersOf(request: ReceivedRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/** Verifies with the official package; throws as it does when the signature does not match. */
function verifyOfficially(secret: string, request: ReceivedRequest): unknown {
  return new StandardWebhook(secret).verify(request.body, headersOf(request));
}

describe('signed deliveries, checked by the official standardwebhooks package', () => {
  it('signs every request; webhook-id is the call id', async () => {
    const secret = generateSecret();
    const manager = await startManager();
    await manager.createWebhook(webhookInput(`${receiver.url}/signed`, { secret }));
    const calls = [
      ...(await manager.dispatch(publishEvent('1'))),
      ...(await manager.dispatch(publishEvent('2'))),
      ...(await manager.dispatch(publishEvent('3'))),
    ];
    await manager.idle();
    const received = receiver.requestsTo('/signed');
    expect(received).toHaveLength(3);
    for (const request of received) {
      expect(verifyOfficially(secret, request)).toMatchObject({ webhook_id: calls[0]?.webhookId });
      expect(verifyWebhook(request.body, request.headers, secret).ok).toBe(true);
      const timestamp = Number(request.headers['webhook-timestamp']);
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(300);
      expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(1);
    }
    expect(received.map((request) => request.headers['webhook-id']).sort()).toEqual(
      calls.map((call) => call.id).sort(),
    );
  });

  it('keeps webhook-id across auto-retries and a resend, and signs each attempt', async () => {
    let answered = 0;
    receiver.handle((_request, response) => {
      answered += 1;
      response.statusCode = answered <= 2 ? 500 : 200;
      response.end();
    });
    const secret = generateSecret(64);
    const manager = await startManager();
    await manager.createWebhook(webhookInput(`${receiver.url}/retried`, { secret }));
    const [call] = await manager.dispatch(publishEvent());
    await manager.idle({ includeRetries: true });
    await manager.resendCall(call?.id ?? '');
    const received = receiver.requestsTo('/retried');
    expect(received).toHaveLength(4);
    for (const request of received) {
      expect(request.headers['webhook-id']).toBe(call?.id);
      expect(() => verifyOfficially(secret, request)).not.toThrow();
    }
    const retries = received.map(
      (request) =>
        (JSON.parse(request.body.toString()) as { attempted_auto_retries_count: number })
          .attempted_auto_retries_count,
    );
    expect(retries).toEqual([0, 1, 2, 2]);
    const attempts = await manager.listAttempts(call?.id ?? '');
    expect(attempts.map((attempt) => attempt.trigger)).toEqual([
      'dispatch',
      'auto_retry',
      'auto_retry',
      'resend',
    ]);
  });

  it.each([
    {
      name: 'during a rotation sends both signatures, space-separated, each verifying',
      secretRotationGraceMs: 3_600_000,
      oldSecretVerifies: true,
    },
    {
      name: 'after the grace period sends only the new signature',
      secretRotationGraceMs: 0,
      oldSecretVerifies: false,
    },
  ])('$name', async ({ secretRotationGraceMs, oldSecretVerifies }) => {
    const oldSecret = generateSecret();
    const newSecret = generateSecret();
    const manager = await startManager({ secretRotationGraceMs });
    const hook = await manager.createWebhook(
      webhookInput(`${receiver.url}/rotating`, { secret: oldSecret }),
    );
    await manager.updateWebhook(hook.id, { secret: newSecret });
    await manager.dispatch(publishEvent());
    await manager.idle();
    const [request] = receiver.requestsTo('/rotating');
    if (!request) throw new Error('nothing received');
    const signatures = String(request.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(oldSecretVerifies ? 2 : 1);
    expect(() => verifyOfficially(newSecret, request)).not.toThrow();
    expect(verifyWebhook(request.body, request.headers, oldSecret).ok).toBe(oldSecretVerifies);
    if (oldSecretVerifies) expect(() => verifyOfficially(oldSecret, request)).not.toThrow();
    else expect(() => verifyOfficially(oldSecret, request)).toThrow(/No matching signature/);
  });

  it('sends no signature headers for a webhook without a secret', async () => {
    const manager = await startManager();
    await manager.createWebhook(webhookInput(`${receiver.url}/unsigned`));
    await manager.dispatch(publishEvent());
    await manager.idle();
    const [request] = receiver.requestsTo('/unsigned');
    expect(
      Object.keys(request?.headers ?? {}).filter((name) => name.startsWith('webhook-')),
    ).toEqual([]);
  });
});
