/**
 * A webhook's run of failures, as data: when it started, and whether it has lasted long enough to
 * disable the webhook. Only a change of `failingSince` is written, so a healthy webhook costs no
 * write per delivery and a failing one costs one when it starts failing.
 */

/** `failingSince` after an attempt that started at `at`: kept while failing, cleared by a success. */
export function nextFailingSince(current: Date | null, ok: boolean, at: Date): Date | null {
  if (ok) return null;
  return current ?? at;
}

/** Whether a webhook failing since `failingSince` has failed for longer than `limitMs` at `now`. */
export function failedTooLong(
  failingSince: Date | null,
  now: Date,
  limitMs: number | undefined,
): boolean {
  if (failingSince === null || limitMs === undefined) return false;
  return now.getTime() - failingSince.getTime() >= limitMs;
}
