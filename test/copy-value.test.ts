import { describe, expect, it } from 'vitest';
import { copyValue } from '../src/repository/copy-value.js';

describe('copyValue', () => {
  it('copies nested objects, arrays and dates so the copy shares nothing mutable', () => {
    const original = {
      id: '1',
      at: new Date('2026-12-04T10:00:00.000Z'),
      tags: ['a', { deep: [1, 2] }],
      nothing: null,
      missing: undefined,
    };
    const copy = copyValue(original);
    expect(copy).toEqual(original);
    expect(copy.at).not.toBe(original.at);
    expect(copy.at.getTime()).toBe(original.at.getTime());
    (copy.tags[1] as { deep: number[] }).deep.push(3);
    copy.at.setTime(0);
    expect((original.tags[1] as { deep: number[] }).deep).toEqual([1, 2]);
    expect(original.at.getTime()).toBe(Date.parse('2026-12-04T10:00:00.000Z'));
  });

  it('hands values that are not plain data to structuredClone', () => {
    const original = { lookup: new Map([['k', { v: 1 }]]) };
    const copy = copyValue(original);
    expect(copy.lookup).toBeInstanceOf(Map);
    expect(copy.lookup.get('k')).toEqual({ v: 1 });
    expect(copy.lookup.get('k')).not.toBe(original.lookup.get('k'));
  });

  it('terminates on cyclic values instead of overflowing the stack', () => {
    const original: { name: string; self?: unknown } = { name: 'loop' };
    original.self = original;
    const copy = copyValue(original) as { name: string; self: { name: string } };
    expect(copy.self.name).toBe('loop');
    expect(copy.self).not.toBe(original);
  });

  it('refuses functions as structuredClone does', () => {
    expect(() => copyValue({ callback: () => 1 })).toThrow();
  });
});
