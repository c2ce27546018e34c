/** Deeper than this, a value is left to JSON itself, which also reports cycles. */
const maxPlainDepth = 64;

function isPlainJsonAt(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // JSON writes NaN and the infinities as null, and -0 as 0.
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth > maxPlainDepth) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype || 'toJSON' in value) return false;
        // An index loop, not for...of: a hole reads as undefined, which JSON writes as null.
        for (let index = 0; index < value.length; index += 1) {
          if (!isPlainJsonAt(value[index], depth + 1)) return false;
        }
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      const record = value as Record<string, unknown>;
      for (const key in record) {
        // JSON.parse makes "__proto__" an own key; kept as it is, it would be read as the prototype.
        if (!Object.hasOwn(record, key) || key === '__proto__') return false;
        if (!isPlainJsonAt(record[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      // undefined, functions, symbols and BigInts: JSON drops, changes or refuses them.
      return false;
  }
}

/**
 * Whether JSON would give `value` back unchanged: plain objects and arrays of strings, booleans,
 * finite numbers and null, with nothing JSON drops, converts (a `Date`, `toJSON`, `undefined`, -0)
 * or refuses (a BigInt, a cycle).
 */
export function isPlainJson(value: unknown): boolean {
  return isPlainJsonAt(value, 0);
}

/**
 * `value` as the JSON it will be sent as: unchanged when it already is plain JSON, which is one
 * walk and no copy, and otherwise through JSON's own round trip, which throws for what JSON cannot
 * hold.
 */
export function asJsonData<T>(value: T): T {
  return isPlainJson(value) ? value : (JSON.parse(JSON.stringify(value)) as T);
}
