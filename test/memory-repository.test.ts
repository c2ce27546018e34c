import { describe, expect, it } from 'vitest';
import { MemoryRepository } from '../src/repository/memory-repository.js';
import {
  at,
  claimAll,
  makeAttempt,
  makeCall,
  makeWebhook,
  rescheduleUpdate,
} from '../src/testing/conformance/fixtures.js';

describe('MemoryRepository.completeAttempt', () => {
  it('keeps a call and its attempt apart for callers though it stores what they share once', async () => {
    const repository = new MemoryRepository();
    await repository.insertWebhook(makeWebhook('w1'));
    await repository.insertCalls([makeCall('c1', 'w1')]);
    const [claimed] = await repository.claimDueCalls(claimAll(at(0), 'lease'));
    if (!claimed) throw new Error('nothing claimed');
    // The attempt and the update share their exchange objects, as a real delivery's do.
    const requestHeaders: Record<string, string> = { 'content-type': 'application/json' };
    const responseHeaders: Record<string, string> = { 'content-type': 'text/plain' };
    const attempt = makeAttempt('a1', 'c1', { requestHeaders, responseHeaders });
    const update = {
      ...rescheduleUpdate(claimed, at(1_000), at(60_000)),
      requestHeaders,
      responseHeaders,
    };
    expect(update.requestHeaders).toBe(attempt.requestHeaders);

    const returned = await repository.completeAttempt({
      callId: 'c1',
      leaseToken: 'lease',
      attempt,
      update,
    });
    if (!returned?.requestHeaders) throw new Error('no call returned');
    returned.requestHeaders['x-changed'] = 'by the caller';
    const [listed] = await repository.listAttempts('c1');
    if (!listed?.responseHeaders) throw new Error('no attempt listed');
    listed.responseHeaders['x-changed'] = 'by the caller';
    requestHeaders['x-changed'] = 'by the caller';

    const stored = await repository.getCall('c1');
    const [storedAttempt] = await repository.listAttempts('c1');
    expect(stored?.requestHeaders).toEqual({ 'content-type': 'application/json' });
    expect(stored?.responseHeaders).toEqual({ 'content-type': 'text/plain' });
    expect(storedAttempt?.requestHeaders).toEqual({ 'content-type': 'application/json' });
    expect(storedAttempt?.responseHeaders).toEqual({ 'content-type': 'text/plain' });
  });
});
