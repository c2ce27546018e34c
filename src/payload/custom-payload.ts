import Mustache from 'mustache';

/**
 * Custom payloads are Mustache templates rendered with the default body as their view. Mustache
 * escapes for HTML by default; a webhook body is JSON, so values are escaped for JSON instead:
 * `{{title}}` inside quotes yields a valid JSON string even when the title holds quotes or newlines,
 * a number or boolean yields its literal, and an object or array yields its JSON text.
 */
function escapeForJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value).slice(1, -1);
  return JSON.stringify(value) ?? '';
}

/** Why `template` cannot be rendered, or `null` when it is a valid Mustache template. */
export function describeTemplateProblem(template: string): string | null {
  try {
    Mustache.parse(template);
    return null;
  } catch (error) {
    return `is not a valid Mustache template (${(error as Error).message})`;
  }
}

export function renderCustomPayload(template: string, view: object): string {
  return Mustache.render(template, view, {}, { escape: escapeForJson });
}
