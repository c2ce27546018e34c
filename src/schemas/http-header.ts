import { z } from 'zod';

// RFC 9110 token characters for a field name.
const headerNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, space, tab and obs-text; CR, LF and NUL would split or end the header.
const headerValuePattern = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Headers a webhook may not set: the transport and the signature own them, and letting a webhook
 * replace them would silently change what the receiver verifies or parses.
 */
export const reservedHeaderNames: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'host',
  'keep-alive',
  'upgrade',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

export const customHeadersSchema = z
  .record(z.string(), z.string({ error: 'must be a string' }))
  .superRefine((headers, context) => {
    const seen = new Set<string>();
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (!headerNamePattern.test(name)) {
        context.addIssue({
          code: 'custom',
          path: [name],
          message: "is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)",
        });
      } else if (reservedHeaderNames.has(lower)) {
        context.addIssue({
          code: 'custom',
          path: [name],
          message: 'is set by hookline and cannot be overridden',
        });
      } else if (seen.has(lower)) {
        context.addIssue({
          code: 'custom',
          path: [name],
          message: 'is given twice (header names are case-insensitive)',
        });
      }
      seen.add(lower);
      if (!headerValuePattern.test(value)) {
        context.addIssue({
          code: 'custom',
          path: [name],
          message: 'value contains a line break or another control character',
        });
      }
    }
  });
