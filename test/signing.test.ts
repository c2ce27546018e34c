import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  describeSecretProblem,
  generateSecret,
  signPayload,
  verifyWebhook,
} from '../src/signing.js';

const secret = generateSecret();
const otherSecret = generateSecret();
const body = JSON.stringify({ entity: { id: '1', title: 'Héllo' } });
const id = 'c0ffee00-0000-4000-8000-000000000001';

/** Headers signed by the official package, as a receiver would get them. */
function signedByPackage(
  signingSecret: string,
  payload: string,
  at = new Date(),
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new StandardWebhook(signingSecret).sign(id, at, payload),
  };
}

describe('generateSecret', () => {
  it('is whsec_ and the standard base64 of 32 random bytes by default', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(secret).not.toBe(otherSecret);
    expect(describeSecretProblem(secret)).toBeNull();
  });

  it('makes 24 to 64 bytes and refuses other sizes', () => {
    for (const bytes of [24, 40, 64]) {
      const made = generateSecret(bytes);
      expect(Buffer.from(made.slice(6), 'base64')).toHaveLength(bytes);
      expect(describeSecretProblem(made)).toBeNull();
    }
    for (const bytes of [0, 23, 65, 32.5, Number.NaN]) {
      expect(() => generateSecret(bytes)).toThrow(RangeError);
    }
  });

  it('makes secrets the official package accepts', () => {
    const headers = signedByPackage(secret, body);
    expect(() => new StandardWebhook(secret).verify(body, headers)).not.toThrow();
  });
});

describe('describeSecretProblem', () => {
  it('names what is wrong with a secret', () => {
    expect(describeSecretProblem('abc')).toMatch(/whsec_/);
    expect(describeSecretProblem('whsec_not*base64')).toMatch(/base64/);
    expect(describeSecretProblem(`whsec_${Buffer.alloc(16).toString('base64')}`)).toMatch(
      /24 to 64 bytes/,
    );
    expect(describeSecretProblem(`whsec_${Buffer.alloc(65).toString('base64')}`)).toMatch(
      /24 to 64 bytes/,
    );
  });
});

describe('signPayload', () => {
  it('produces what the official package produces', () => {
    const at = new Date('2026-12-04T10:00:00.000Z');
    const expected = new StandardWebhook(secret).sign(id, at, body);
    expect(signPayload([secret], id, Math.floor(at.getTime() / 1000), body)).toBe(expected);
  });

  it('space-separates one signature per secret', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const header = signPayload([secret, otherSecret], id, timestamp, body);
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': header,
    };
    expect(header.split(' ')).toHaveLength(2);
    expect(() => new StandardWebhook(secret).verify(body, headers)).not.toThrow();
    expect(() => new StandardWebhook(otherSecret).verify(body, headers)).not.toThrow();
  });
});

describe('verifyWebhook against signatures made by the official package', () => {
  it('accepts a valid signature, from a string, bytes or a Headers object', () => {
    const headers = signedByPackage(secret, body);
    expect(verifyWebhook(body, headers, secret)).toMatchObject({ ok: true, id });
    expect(verifyWebhook(Buffer.from(body), headers, secret).ok).toBe(true);
    expect(verifyWebhook(body, new Headers(headers), secret).ok).toBe(true);
    const upperCase = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]),
    );
    expect(verifyWebhook(body, upperCase, secret).ok).toBe(true);
  });

  it('refuses a tampered body', () => {
    const headers = signedByPackage(secret, body);
    expect(verifyWebhook(body.replace('1', '2'), headers, secret)).toEqual({
      ok: false,
      reason: 'no_matching_signature',
    });
    expect(verifyWebhook(`${body} `, headers, secret).ok).toBe(false);
  });

  it('refuses a signature made with another secret', () => {
    const headers = signedByPackage(otherSecret, body);
    expect(verifyWebhook(body, headers, secret)).toEqual({
      ok: false,
      reason: 'no_matching_signature',
    });
  });

  it('refuses a stale or future timestamp, and honours a custom tolerance', () => {
    const stale = signedByPackage(secret, body, new Date(Date.now() - 10 * 60_000));
    expect(verifyWebhook(body, stale, secret)).toEqual({
      ok: false,
      reason: 'timestamp_out_of_tolerance',
    });
    const future = signedByPackage(secret, body, new Date(Date.now() + 10 * 60_000));
    expect(verifyWebhook(body, future, secret).ok).toBe(false);
    expect(verifyWebhook(body, stale, secret, { toleranceSeconds: 3600 }).ok).toBe(true);
    // The official package refuses the same stale request.
    expect(() => new StandardWebhook(secret).verify(body, stale)).toThrow(/too old/);
  });

  it('accepts when any of several signatures matches, and checks several secrets', () => {
    const at = new Date();
    const headers = signedByPackage(otherSecret, body, at);
    const ours = new StandardWebhook(secret).sign(id, at, body);
    headers['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')} ${ours} v2,unknown`;
    expect(verifyWebhook(body, headers, secret).ok).toBe(true);
    const onlyOther = signedByPackage(otherSecret, body, at);
    expect(verifyWebhook(body, onlyOther, [secret, otherSecret]).ok).toBe(true);
  });

  it('accepts a secret written without its whsec_ prefix, as the official package does', () => {
    const headers = signedByPackage(secret, body);
    expect(verifyWebhook(body, headers, secret.slice(6)).ok).toBe(true);
  });

  it('verifies the raw bytes, even when they are not valid UTF-8', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const at = new Date();
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new StandardWebhook(secret).sign(id, at, bytes),
    };
    expect(verifyWebhook(bytes, headers, secret).ok).toBe(true);
  });

  it('says which headers are missing or malformed', () => {
    const headers = signedByPackage(secret, body);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const { [name]: _dropped, ...rest } = headers;
      expect(verifyWebhook(body, rest, secret)).toEqual({ ok: false, reason: 'missing_headers' });
    }
    const bad = { ...headers, 'webhook-timestamp': '12e3' };
    expect(verifyWebhook(body, bad, secret)).toEqual({ ok: false, reason: 'missing_headers' });
  });
});
