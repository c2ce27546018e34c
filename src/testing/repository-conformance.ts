import { afterEach, beforeEach, describe } from 'vitest';
import type { Repository } from '../repository/repository.js';
import { describeCalls } from './conformance/call-tests.js';
import { describeClaims } from './conformance/claim-tests.js';
import { describeConditionalUpdates } from './conformance/conditional-update-tests.js';
import type { ConformanceContext } from './conformance/conformance-context.js';
import { describeOperations } from './conformance/operations-tests.js';
import { describeWebhooks } from './conformance/webhook-tests.js';
import type { RepositoryConformanceOptions } from './repository-conformance-options.js';

/**
 * Declares the conformance tests with vitest's `describe`/`it`. Loaded only by
 * `runRepositoryConformance`, so importing `hookline/testing` does not need vitest.
 */
export function defineRepositoryConformance<R extends Repository>(
  options: RepositoryConformanceOptions<R>,
): void {
  describe(`${options.name} (repository conformance)`, () => {
    let current: R | null = null;
    let opened: R[] = [];

    const context: ConformanceContext = {
      get repository(): Repository {
        if (!current) throw new Error('the repository is made before each test');
        return current;
      },
      sharedStorage: options.openSibling !== undefined,
      async siblings(count) {
        const repository = current;
        if (!repository) throw new Error('the repository is made before each test');
        const { openSibling } = options;
        if (!openSibling) return Array.from({ length: count }, () => repository);
        const siblings: R[] = [repository];
        while (siblings.length < count) {
          const sibling = await openSibling(repository);
          opened.push(sibling);
          siblings.push(sibling);
        }
        return siblings;
      },
    };

    beforeEach(async () => {
      current = await options.makeRepository();
      opened = [current];
    });

    afterEach(async () => {
      const made = opened.reverse();
      opened = [];
      current = null;
      for (const repository of made) await options.cleanup?.(repository);
    });

    describeWebhooks(context);
    describeConditionalUpdates(context);
    describeCalls(context);
    describeClaims(context);
    describeOperations(context);
  });
}
