import { expect } from 'vitest';

/**
 * The error `action` throws or its promise rejects with, checked to be a `type`. Fails the test
 * when nothing is thrown, so a test built on it cannot pass by the error going missing.
 */
export async function errorFrom<T>(
  action: () => unknown,
  type: abstract new (...args: never[]) => T,
): Promise<T> {
  let error: unknown;
  try {
    await action();
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) throw new Error(`expected ${type.name} to be thrown, but nothing was`);
  expect(error).toBeInstanceOf(type);
  return error as T;
}
