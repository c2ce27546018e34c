/**
 * Auto-retry timing, as data. The default is DatoCMS's: up to seven retries after 2 min, 6 min,
 * 30 min, 1 h, 5 h, 1 day and 2 days.
 */
export const defaultRetrySchedule: readonly number[] = [
  120_000, 360_000, 1_800_000, 3_600_000, 18_000_000, 86_400_000, 172_800_000,
];

/** Up to this fraction is added to each delay, so receivers that failed together are not retried together. */
export const defaultRetryJitter = 0.1;

export interface RetryDelayInput {
  schedule: readonly number[];
  /** Auto-retries already made; the delay returned is the one before retry number `retriesDone + 1`. */
  retriesDone: number;
  /** The receiver's `Retry-After`, in ms, when it sent one. */
  retryAfterMs: number | null;
  jitter: number;
  random?: () => number;
}

/**
 * The delay before the next auto-retry, or `null` when the schedule is used up. A `Retry-After` is
 * honoured within the schedule's bounds: never sooner than the scheduled delay, never later than the
 * schedule's longest delay.
 */
export function nextRetryDelay(input: RetryDelayInput): number | null {
  const scheduled = input.schedule[input.retriesDone];
  if (scheduled === undefined) return null;
  const longest = Math.max(...input.schedule);
  const base =
    input.retryAfterMs === null
      ? scheduled
      : Math.min(Math.max(input.retryAfterMs, scheduled), longest);
  const random = input.random ?? Math.random;
  return Math.round(base * (1 + input.jitter * random()));
}

/**
 * The three HTTP-date forms a recipient must accept (RFC 9110, 5.6.7): IMF-fixdate, RFC 850 and
 * asctime. Anything else is ignored rather than handed to `Date.parse`, which reads "1.5" as a date.
 */
const httpDatePatterns: readonly RegExp[] = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/** `Retry-After` in ms: delay-seconds or an HTTP-date; `null` when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const form = httpDatePatterns.findIndex((pattern) => pattern.test(trimmed));
  if (form < 0) return null;
  // asctime carries no zone; HTTP dates are always GMT.
  const date = Date.parse(form === 2 ? `${trimmed} GMT` : trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}
