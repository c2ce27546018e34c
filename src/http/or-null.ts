import { HooklineNotFoundError } from '../errors.js';

/** The looked-up value, or `null` when it names a webhook or call that does not exist. */
export async function orNull<T>(lookup: Promise<T>): Promise<T | null> {
  try {
    return await lookup;
  } catch (error) {
    if (error instanceof HooklineNotFoundError) return null;
    throw error;
  }
}
