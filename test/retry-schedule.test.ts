import { describe, expect, it } from 'vitest';
import {
  defaultRetrySchedule,
  nextRetryDelay,
  parseRetryAfter,
} from '../src/delivery/retry-schedule.js';

const now = new Date('2026-12-04T10:00:00.000Z');

describe('nextRetryDelay', () => {
  const base = { schedule: [1_000, 5_000, 60_000], retryAfterMs: null, jitter: 0 };

  it('follows the schedule, then gives up', () => {
    expect([0, 1, 2, 3].map((retriesDone) => nextRetryDelay({ ...base, retriesDone }))).toEqual([
      1_000,
      5_000,
      60_000,
      null,
    ]);
  });

  it("is DatoCMS's seven retries by default: 2 min, 6 min, 30 min, 1 h, 5 h, 1 day, 2 days", () => {
    const minutes = defaultRetrySchedule.map((delay) => delay / 60_000);
    expect(minutes).toEqual([2, 6, 30, 60, 300, 1_440, 2_880]);
  });

  it('adds up to `jitter` of the delay, never less than the delay', () => {
    const delays = [0, 0.5, 0.999].map((value) =>
      nextRetryDelay({ ...base, retriesDone: 1, jitter: 0.1, random: () => value }),
    );
    expect(delays).toEqual([5_000, 5_250, 5_500]);
  });

  it('honours Retry-After within the bounds of the schedule', () => {
    const delay = (retryAfterMs: number) =>
      nextRetryDelay({ ...base, retriesDone: 1, retryAfterMs });
    expect(delay(30_000)).toBe(30_000);
    expect(delay(10)).toBe(5_000);
    expect(delay(3_600_000)).toBe(60_000);
  });

  it('does not let Retry-After extend a finished schedule', () => {
    expect(nextRetryDelay({ ...base, retriesDone: 3, retryAfterMs: 1_000 })).toBeNull();
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads the three HTTP-date forms, as GMT', () => {
    expect(parseRetryAfter('Fri, 04 Dec 2026 10:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Friday, 04-Dec-26 10:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Fri Dec  4 10:01:30 2026', now)).toBe(90_000);
  });

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Thu, 03 Dec 2026 10:00:00 GMT', now)).toBe(0);
  });

  it('ignores what is neither', () => {
    for (const value of [undefined, '', 'soon', '1.5', '-1', '2026-12-04T10:01:30Z', '10s']) {
      expect(parseRetryAfter(value, now)).toBeNull();
    }
  });
});
