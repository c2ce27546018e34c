import { describe, expect, it } from 'vitest';
import type { Webhook } from '../../types.js';
import type { ConformanceContext } from './conformance-context.js';
import { at, makeWebhook } from './fixtures.js';

/**
 * Edits another writer might commit between a read and a conditional update, one field each. Most
 * keep `updatedAt`, as two edits within one millisecond (or hookline's own bookkeeping) would.
 */
const concurrentEdits: readonly [string, Partial<Webhook>][] = [
  ['name', { name: 'Renamed meanwhile' }],
  ['url', { url: 'https://example.org/moved' }],
  ['events', { events: [{ entityType: 'upload', eventTypes: [], filters: [] }] }],
  ['headers', { headers: { 'X-Site': 'docs', 'x-Ünïcode': 'värde ✓' } }],
  ['httpBasicUser (to null)', { httpBasicUser: null }],
  ['httpBasicPassword', { httpBasicPassword: 'changed' }],
  ['secret (to null)', { secret: null }],
  ['customPayload', { customPayload: '{"changed":true}' }],
  ['enabled', { enabled: false }],
  ['autoRetry', { autoRetry: false }],
  ['createdAt', { createdAt: at(-1) }],
  ['updatedAt (by one millisecond)', { updatedAt: at(2) }],
  [
    'previousSecret (from null)',
    { previousSecret: 'whsec_b2xkIHNlY3JldCBvbGQgc2VjcmV0IG9sZCBzZWM=' },
  ],
  ['previousSecretExpiresAt (from null)', { previousSecretExpiresAt: at(86_400_000) }],
  ['disabledReason', { disabledReason: 'the receiver answered 410 Gone' }],
  ['failingSince (from null)', { failingSince: at(3_600_007) }],
];

export function describeConditionalUpdates(context: ConformanceContext): void {
  describe('updateWebhook with expected (compare-and-set)', () => {
    it('writes when the stored webhook still equals the one read', async () => {
      const repository = context.repository;
      const inserted = makeWebhook('w1');
      await repository.insertWebhook(inserted);
      const read = await repository.getWebhook('w1');
      if (!read) throw new Error('webhook missing');
      const next = { ...read, url: 'https://example.org/next', failingSince: at(10) };
      expect(await repository.updateWebhook(next, { expected: read })).toBe(true);
      expect(await repository.getWebhook('w1')).toEqual(next);
      // What the writer wrote is what is stored: it serves as the next expected value as it is.
      const last = { ...next, failingSince: null, enabled: false, disabledReason: 'gone' };
      expect(await repository.updateWebhook(last, { expected: next })).toBe(true);
      expect(await repository.getWebhook('w1')).toEqual(last);
    });

    it('writes when the stored webhook still equals it with every nullable field null', async () => {
      const repository = context.repository;
      const sparse = makeWebhook('w1', {
        headers: {},
        httpBasicUser: null,
        httpBasicPassword: null,
        secret: null,
        customPayload: null,
      });
      await repository.insertWebhook(sparse);
      const next = { ...sparse, name: 'Renamed' };
      expect(await repository.updateWebhook(next, { expected: sparse })).toBe(true);
      expect(await repository.getWebhook('w1')).toEqual(next);
    });

    it('refuses, writing nothing, when any field changed since the read', async () => {
      const repository = context.repository;
      for (const [index, [field, edit]] of concurrentEdits.entries()) {
        const id = `w${index}`;
        await repository.insertWebhook(makeWebhook(id, { createdAt: at(index) }));
        const read = await repository.getWebhook(id);
        if (!read) throw new Error('webhook missing');
        const edited = { ...read, ...edit, name: edit.name ? `${edit.name} ${index}` : read.name };
        expect(await repository.updateWebhook(edited)).toBe(true);
        const stale = { ...read, failingSince: at(99_000), updatedAt: at(99_000) };
        expect(
          await repository.updateWebhook(stale, { expected: read }),
          `a change of ${field} was not noticed`,
        ).toBe(false);
        expect(await repository.getWebhook(id)).toEqual(edited);
      }
    });

    it('refuses an edit committed by another instance, and writes once read again', async () => {
      const [first, second] = await context.siblings(2);
      if (!first || !second) throw new Error('two repositories expected');
      await first.insertWebhook(makeWebhook('w1'));
      const read = await first.getWebhook('w1');
      if (!read) throw new Error('webhook missing');
      const moved = { ...read, url: 'https://example.org/moved', updatedAt: at(5) };
      expect(await second.updateWebhook(moved)).toBe(true);
      const failing = { ...read, failingSince: at(6) };
      expect(await first.updateWebhook(failing, { expected: read })).toBe(false);
      const again = await first.getWebhook('w1');
      if (!again) throw new Error('webhook missing');
      expect(again).toEqual(moved);
      const both = { ...again, failingSince: at(6) };
      expect(await first.updateWebhook(both, { expected: again })).toBe(true);
      expect(await second.getWebhook('w1')).toEqual(both);
    });

    it('returns false for an unknown webhook and creates nothing', async () => {
      const repository = context.repository;
      const missing = makeWebhook('missing');
      expect(await repository.updateWebhook(missing, { expected: missing })).toBe(false);
      expect(await repository.getWebhook('missing')).toBeNull();
    });
  });
}
