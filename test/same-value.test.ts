import { describe, expect, it } from 'vitest';
import { sameValue } from '../src/repository/same-value.js';

describe('sameValue', () => {
  it('compares dates by time, arrays by item and objects by key whatever the order', () => {
    const stored = {
      at: new Date('2026-12-04T10:00:00.123Z'),
      headers: { 'X-A': '1', 'X-B': '2' },
      events: [{ entityType: 'item', eventTypes: ['publish'], filters: [] }],
      secret: null,
    };
    const read = {
      secret: null,
      events: [{ entityType: 'item', eventTypes: ['publish'], filters: [] }],
      headers: { 'X-B': '2', 'X-A': '1' },
      at: new Date('2026-12-04T10:00:00.123Z'),
    };
    expect(sameValue(stored, read)).toBe(true);
    expect(sameValue(stored, { ...read, at: new Date('2026-12-04T10:00:00.124Z') })).toBe(false);
    expect(sameValue(stored, { ...read, headers: { 'X-A': '1' } })).toBe(false);
    expect(sameValue(stored, { ...read, secret: 'whsec_x' })).toBe(false);
    expect(sameValue(stored, { ...read, events: [] })).toBe(false);
  });

  it('tells apart values of different kinds, and treats a key holding undefined as absent', () => {
    expect(sameValue(null, undefined)).toBe(false);
    expect(sameValue(0, '0')).toBe(false);
    expect(sameValue([], {})).toBe(false);
    expect(sameValue(new Date(0), 0)).toBe(false);
    expect(sameValue({ a: null }, {})).toBe(false);
    expect(sameValue({ a: undefined }, {})).toBe(true);
    expect(sameValue({}, { a: undefined })).toBe(true);
    expect(sameValue(Number.NaN, Number.NaN)).toBe(true);
  });
});
