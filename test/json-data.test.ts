import { describe, expect, it } from 'vitest';
import { asJsonData, isPlainJson } from '../src/schemas/json-data.js';

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('isPlainJson', () => {
  it('accepts what JSON gives back unchanged', () => {
    const entity = {
      id: '1',
      attributes: { title: 'A', count: 3, ratio: 0.5, draft: false, none: null },
      list: [1, 'two', [true], { deep: { deeper: [] } }],
      'lone \ud800 surrogate': 'and \udfff one',
    };
    expect(isPlainJson(entity)).toBe(true);
    expect(roundTrip(entity)).toEqual(entity);
  });

  it.each([
    ['a Date', { at: new Date(0) }],
    ['undefined', { gone: undefined }],
    ['a function', { call: () => 1 }],
    ['a symbol', [Symbol('s')]],
    ['a BigInt', { big: 1n }],
    ['NaN', [Number.NaN]],
    ['Infinity', { far: Number.POSITIVE_INFINITY }],
    ['-0', { zero: -0 }],
    ['a hole', [1, , 3]],
    ['toJSON', { toJSON: () => 'x' }],
    ['toJSON on an array', Object.assign([1], { toJSON: () => 'x' })],
    ['a class instance', { map: new Map() }],
    ['a boxed string', { name: new String('x') }],
    ['a null prototype', { bare: Object.create(null) }],
    ['an own "__proto__"', JSON.parse('{"__proto__": {"polluted": true}}')],
    ['an inherited key', { child: Object.create({ inherited: 1 }) }],
    ['an array subclass', { list: new (class List extends Array {})() }],
  ])('refuses %s, which JSON would change', (_name, value) => {
    expect(isPlainJson(value)).toBe(false);
  });

  it('refuses a value nested deeper than it walks, and stops at a cycle', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 100; level += 1) deep = [deep];
    expect(isPlainJson(deep)).toBe(false);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(isPlainJson(cyclic)).toBe(false);
  });
});

describe('asJsonData', () => {
  it('returns plain JSON as it is, without copying', () => {
    const entity = { id: '1', nested: { list: [1, 2] } };
    expect(asJsonData(entity)).toBe(entity);
  });

  it('gives anything else exactly as JSON would give it back', () => {
    const entity = {
      id: '1',
      at: new Date('2026-12-04T10:00:00.000Z'),
      gone: undefined,
      list: [undefined, Number.NaN, -0, () => 1],
      custom: { toJSON: () => ({ shown: true }) },
      tags: new Map([['k', 'v']]),
    };
    const data = asJsonData(entity);
    expect(data).toEqual(roundTrip(entity));
    expect(data).toEqual({
      id: '1',
      at: '2026-12-04T10:00:00.000Z',
      list: [null, null, 0, null],
      custom: { shown: true },
      tags: {},
    });
    expect(Object.is(data.list[2], 0)).toBe(true);
    expect(Object.hasOwn(asJsonData(JSON.parse('{"__proto__": {"a": 1}}')), '__proto__')).toBe(
      true,
    );
  });

  it('throws as JSON does for what it cannot hold', () => {
    expect(() => asJsonData({ big: 1n })).toThrow(/BigInt/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => asJsonData(cyclic)).toThrow(/circular/);
  });
});
