import { describe, expect, it } from 'vitest';
import { asJsonData } from '../src/schemas/json-data.js';

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value));

/** Every object and array in `value`, depth first. */
function containers(value: unknown, found: object[] = []): object[] {
  if (typeof value === 'object' && value !== null) {
    found.push(value);
    for (const item of Object.values(value)) containers(item, found);
  }
  return found;
}

describe('asJsonData', () => {
  it('copies plain JSON as it is, sharing no object or array with it', () => {
    const entity = {
      id: '1',
      attributes: { title: 'A', count: 3, ratio: 0.5, draft: false, none: null },
      list: [1, 'two', [true], { deep: { deeper: [] } }],
      'lone \ud800 surrogate': 'and \udfff one',
    };
    const data = asJsonData(entity);
    expect(data).toEqual(entity);
    expect(data).toEqual(roundTrip(entity));
    const original = new Set(containers(entity));
    for (const container of containers(data)) expect(original.has(container)).toBe(false);
  });

  it.each([
    ['a Date', { at: new Date('2026-12-04T10:00:00.000Z') }],
    ['undefined', { gone: undefined, kept: 1 }],
    ['a function', { call: () => 1 }],
    ['a symbol in an array', [Symbol('s')]],
    ['NaN', [Number.NaN]],
    ['Infinity', { far: Number.POSITIVE_INFINITY }],
    ['-0', { zero: -0 }],
    ['a hole', [1, , 3]],
    ['toJSON', { custom: { toJSON: () => ({ shown: true }) } }],
    ['toJSON on an array', { list: Object.assign([1], { toJSON: () => 'x' }) }],
    ['a class instance', { map: new Map([['k', 'v']]) }],
    ['a boxed string', { name: new String('x') }],
    ['a null prototype', { bare: Object.assign(Object.create(null), { a: 1 }) }],
    ['an inherited key', { child: Object.create({ inherited: 1 }) }],
    ['an array subclass', { list: new (class List extends Array {})() }],
  ])('gives %s exactly as JSON gives it back', (_name, value) => {
    const data = asJsonData(value);
    expect(data).toEqual(roundTrip(value));
    expect(Object.keys(data)).toEqual(Object.keys(roundTrip(value)));
    expect(JSON.stringify(data)).toBe(JSON.stringify(value));
  });

  it('keeps what JSON keeps where a plain copy would go wrong', () => {
    const zero = asJsonData({ zero: -0 });
    expect(Object.is(zero.zero, 0)).toBe(true);
    const proto = asJsonData(JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(Object.hasOwn(proto, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(asJsonData({ at: new Date('2026-12-04T10:00:00.000Z') })).toEqual({
      at: '2026-12-04T10:00:00.000Z',
    });
  });

  it('copies a value nested deeper than it walks through JSON instead', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 100; level += 1) deep = [deep];
    expect(asJsonData(deep)).toEqual(deep);
  });

  it('throws as JSON does for what it cannot hold', () => {
    expect(() => asJsonData({ big: 1n })).toThrow(/BigInt/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => asJsonData(cyclic)).toThrow(/circular/);
  });
});
