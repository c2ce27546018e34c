import type { Repository } from '../repository/repository.js';
import type { RepositoryConformanceOptions } from './repository-conformance-options.js';

export {
  RecordingTransport,
  type ReplyFunction,
  type ScriptedReply,
} from './recording-transport.js';
export type { RepositoryConformanceOptions } from './repository-conformance-options.js';

/**
 * Declares hookline's repository conformance tests for your adapter; run it in a vitest test file
 * with top-level `await`. The suite imports vitest, so it is loaded only when this is called:
 * importing `hookline/testing` for `RecordingTransport` alone never needs vitest.
 */
export async function runRepositoryConformance<R extends Repository>(
  options: RepositoryConformanceOptions<R>,
): Promise<void> {
  const { defineRepositoryConformance } = await import('./repository-conformance.js');
  defineRepositoryConformance(options);
}
