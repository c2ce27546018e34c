import type { z } from 'zod';
import { HooklineValidationError, type ValidationIssue } from '../errors.js';

/** `events[0].filters[1].entityIds`: the path as a JavaScript author would write it. */
export function formatPath(path: readonly PropertyKey[]): string {
  let formatted = '';
  for (const segment of path) {
    if (typeof segment === 'number') formatted += `[${segment}]`;
    else formatted += formatted ? `.${String(segment)}` : String(segment);
  }
  return formatted;
}

function toIssue(issue: z.core.$ZodIssue): ValidationIssue {
  if (issue.code === 'unrecognized_keys') {
    return {
      path: formatPath(issue.path),
      message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`,
    };
  }
  return { path: formatPath(issue.path), message: issue.message };
}

/** Parses `input` or throws a `HooklineValidationError` that names every bad field. */
export function parseOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  subject: string,
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw new HooklineValidationError(subject, result.error.issues.map(toIssue));
  return result.data;
}
