/**
 * Whether two stored values are equal as data: primitives by `Object.is`, dates by their time,
 * arrays item by item, plain objects key by key whatever their order (a key holding `undefined`
 * counts as absent). It is what `updateWebhook`'s `expected` means by "still equals", for
 * repositories that compare in JavaScript.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameValue(item, b[index]))
    );
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key of Object.keys(left)) {
    if (!sameValue(left[key], right[key])) return false;
  }
  for (const key of Object.keys(right)) {
    if (!Object.hasOwn(left, key) && right[key] !== undefined) return false;
  }
  return true;
}
