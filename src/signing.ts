import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
 * keyed with the bytes behind a `whsec_<base64>` secret. Several signatures are space-separated, which
 * is how a receiver keeps verifying while a secret is being rotated.
 */

const secretPrefix = 'whsec_';
const minimumSecretBytes = 24;
const maximumSecretBytes = 64;
/** How far a timestamp may be from the receiver's clock (the spec's suggested five minutes). */
const defaultToleranceSeconds = 5 * 60;

/** A new signing secret: `whsec_` followed by the base64 of `bytes` random bytes (default 32). */
export function generateSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < minimumSecretBytes || bytes > maximumSecretBytes) {
    throw new RangeError(
      `generateSecret: bytes must be an integer from ${minimumSecretBytes} to ${maximumSecretBytes}`,
    );
  }
  return secretPrefix + randomBytes(bytes).toString('base64');
}

/** Why `secret` is not a usable signing secret, or `null` when it is. */
export function describeSecretProblem(secret: string): string | null {
  if (!secret.startsWith(secretPrefix)) return `must start with "${secretPrefix}"`;
  const encoded = secret.slice(secretPrefix.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    return `must be "${secretPrefix}" followed by standard base64`;
  }
  const length = Buffer.from(encoded, 'base64').length;
  if (length < minimumSecretBytes || length > maximumSecretBytes) {
    return `must encode ${minimumSecretBytes} to ${maximumSecretBytes} bytes (it encodes ${length})`;
  }
  return null;
}

/** The key behind a secret; like the reference libraries, the `whsec_` prefix is optional here. */
function secretKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret,
    'base64',
  );
}

function signature(
  secret: string,
  id: string,
  timestamp: number,
  body: string | Uint8Array,
): string {
  // The body is signed as the bytes sent, so a receiver holding raw bytes verifies even non-UTF-8.
  return createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestamp}.`)
    .update(body)
    .digest('base64');
}

/** The `webhook-signature` value for one message, one `v1,` entry per secret. */
export function signPayload(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): string {
  return secrets.map((secret) => `v1,${signature(secret, id, timestamp, body)}`).join(' ');
}

export interface VerifyOptions {
  /** Seconds a timestamp may differ from now. Default: 300. */
  toleranceSeconds?: number;
  /** The clock, for tests. Default: `Date.now`. */
  now?: () => number;
}

export type VerifyResult =
  | { ok: true; id: string; timestamp: number }
  | {
      ok: false;
      reason: 'missing_headers' | 'timestamp_out_of_tolerance' | 'no_matching_signature';
    };

function headerValue(
  headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | undefined {
  if (typeof (headers as Headers).get === 'function')
    return (headers as Headers).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

/**
 * Checks a received request against one secret or several (during a rotation). `body` must be the raw
 * body exactly as received. Never throws for a bad request: the result says why it was refused.
 */
export function verifyWebhook(
  body: string | Uint8Array,
  headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): VerifyResult {
  const id = headerValue(headers, 'webhook-id');
  const timestampText = headerValue(headers, 'webhook-timestamp');
  const signatures = headerValue(headers, 'webhook-signature');
  if (!id || !timestampText || !signatures || !/^\d+$/.test(timestampText)) {
    return { ok: false, reason: 'missing_headers' };
  }
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? defaultToleranceSeconds)) {
    return { ok: false, reason: 'timestamp_out_of_tolerance' };
  }
  const candidates = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  for (const key of typeof secret === 'string' ? [secret] : secret) {
    const expected = Buffer.from(signature(key, id, timestamp, body), 'base64');
    const matches = candidates.some(
      (candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
    );
    if (matches) return { ok: true, id, timestamp };
  }
  return { ok: false, reason: 'no_matching_signature' };
}
