/**
 * Every error hookline throws is a `HooklineError` with a stable `code`, so callers can branch on
 * `error.code` without parsing messages. Codes are part of the public API and listed in the README.
 */
export class HooklineError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One reason input was refused: `path` names the field in the caller's own terms. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Input (a webhook, an event, a list query) was refused; nothing was stored. */
export class HooklineValidationError extends HooklineError {
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    const details = issues
      .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
      .join('; ');
    super('VALIDATION_FAILED', `Invalid ${subject}: ${details}`);
    this.issues = issues;
  }
}

/** A webhook or call id that does not exist (or no longer does). */
export class HooklineNotFoundError extends HooklineError {
  readonly resource: 'webhook' | 'call';
  readonly id: string;

  constructor(resource: 'webhook' | 'call', id: string) {
    super('NOT_FOUND', `No ${resource} with id "${id}"`);
    this.resource = resource;
    this.id = id;
  }
}

/** The operation conflicts with work in progress, such as resending a call another worker holds. */
export class HooklineConflictError extends HooklineError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** The manager was used in a state that does not allow it (for example after `stop()` began). */
export class HooklineStateError extends HooklineError {
  constructor(message: string) {
    super('INVALID_STATE', message);
  }
}

/**
 * Why one HTTP attempt failed before a response arrived. Transports throw it; the worker records
 * `code` and `message` on the attempt. Codes are stable (see `TransportErrorCode`).
 */
export class HooklineTransportError extends HooklineError {
  declare readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The failure modes a transport reports. */
export const transportErrorCodes = [
  'CONNECT_TIMEOUT',
  'CONNECTION_REFUSED',
  'CONNECTION_RESET',
  'DNS_FAILED',
  'HEADERS_TIMEOUT',
  'BODY_TIMEOUT',
  'TIMEOUT',
  'BLOCKED_ADDRESS',
  'INVALID_RESPONSE',
  'ABORTED',
  'NETWORK_ERROR',
] as const;

export type TransportErrorCode = (typeof transportErrorCodes)[number];

/** The error every repository throws when a webhook name is already taken. */
export function duplicateWebhookNameError(name: string): HooklineValidationError {
  return new HooklineValidationError('webhook', [
    { path: 'name', message: `a webhook named "${name}" already exists` },
  ]);
}
