import type { WebhookManager } from '../dist/index.js';

/**
 * Resolves once `count` calls have settled (succeeded or failed) on `manager`, with how many failed.
 * Listen before dispatching: counting events is cheaper and more exact than polling `idle()`.
 */
export function settledCalls(
  manager: WebhookManager,
  count: number,
): Promise<{ succeeded: number; failed: number }> {
  return new Promise((resolve) => {
    let succeeded = 0;
    let failed = 0;
    const check = () => {
      if (succeeded + failed === count) resolve({ succeeded, failed });
    };
    manager.on('call:succeeded', () => {
      succeeded += 1;
      check();
    });
    manager.on('call:failed', () => {
      failed += 1;
      check();
    });
    manager.on('call:rescheduled', () => {
      failed += 1;
      check();
    });
    check();
  });
}
