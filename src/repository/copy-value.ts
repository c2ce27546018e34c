/** Past this depth the rest is handed to structuredClone, which also copes with cycles. */
const maxPlainDepth = 64;

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function copyAt<T>(value: T, depth: number): T {
  if (typeof value !== 'object' || value === null) {
    // structuredClone refuses functions and symbols with a DataCloneError; so do we.
    return typeof value === 'function' || typeof value === 'symbol'
      ? structuredClone(value)
      : value;
  }
  if (depth > maxPlainDepth) return structuredClone(value);
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let index = 0; index < value.length; index += 1)
      copy[index] = copyAt(value[index], depth + 1);
    return copy as T;
  }
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (!isPlainObject(value)) return structuredClone(value);
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  // for...in reads V8's cached key list where Object.keys would allocate a fresh array per object;
  // the own-property check keeps it to what Object.keys would list.
  for (const key in source) {
    if (Object.hasOwn(source, key)) copy[key] = copyAt(source[key], depth + 1);
  }
  return copy as T;
}

/**
 * A deep copy of a stored value, as `structuredClone` makes it, but several times faster for what
 * repositories hold: plain objects, arrays, dates and primitives are copied here, anything else
 * (maps, class instances, very deep or cyclic values) goes to `structuredClone`.
 */
export function copyValue<T>(value: T): T {
  return copyAt(value, 0);
}
