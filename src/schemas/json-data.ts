/** Deeper than this, a value is left to JSON itself, which also reports cycles. */
const maxPlainDepth = 64;

/** What `plainCopyAt` answers when JSON would not give the value back unchanged. */
const notPlain: unique symbol = Symbol('not plain JSON');

/**
 * A copy of `value` if it is plain JSON (plain objects and arrays of strings, booleans, finite
 * numbers and null), else `notPlain`: JSON would drop, convert or refuse something in it.
 */
function plainCopyAt(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes NaN and the infinities as null, and -0 as 0.
      return Number.isFinite(value) && !Object.is(value, -0) ? value : notPlain;
    case 'object': {
      if (value === null) return null;
      if (depth > maxPlainDepth) return notPlain;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype || 'toJSON' in value) return notPlain;
        const copy: unknown[] = new Array(value.length);
        // An index loop, not for...of: a hole reads as undefined, which JSON writes as null.
        for (let index = 0; index < value.length; index += 1) {
          const item = plainCopyAt(value[index], depth + 1);
          if (item === notPlain) return notPlain;
          copy[index] = item;
        }
        return copy;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return notPlain;
      const record = value as Record<string, unknown>;
      const copy: Record<string, unknown> = {};
      for (const key in record) {
        // JSON.parse makes "__proto__" an own key; assigned here, it would set the prototype.
        if (!Object.hasOwn(record, key) || key === '__proto__') return notPlain;
        const item = plainCopyAt(record[key], depth + 1);
        if (item === notPlain) return notPlain;
        copy[key] = item;
      }
      return copy;
    }
    default:
      // undefined, functions, symbols and BigInts: JSON drops, changes or refuses them.
      return notPlain;
  }
}

/**
 * `value` as the JSON it will be sent as, in a copy that shares nothing with it: plain JSON (the
 * usual case) is copied in one walk, and anything JSON would change (a `Date`, `toJSON`,
 * `undefined`, -0) goes through JSON's own round trip, which throws for what JSON cannot hold (a
 * BigInt, a cycle). The result equals `JSON.parse(JSON.stringify(value))`, at a fraction of its cost.
 */
export function asJsonData<T>(value: T): T {
  const copy = plainCopyAt(value, 0);
  return (copy === notPlain ? JSON.parse(JSON.stringify(value)) : copy) as T;
}
