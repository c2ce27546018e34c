import { randomBytes } from 'node:crypto';
import {
  HooklineConflictError,
  HooklineNotFoundError,
  HooklineStateError,
  HooklineValidationError,
} from '../errors.js';

/** One entry of a DatoCMS error document. */
export interface ApiErrorEntry {
  code: string;
  details: Record<string, unknown>;
}

/** The status and error codes the JSON API answers with (also listed in the README). */
export const apiErrorCodes = {
  /** 400: the body is not JSON. */
  invalidFormat: 'INVALID_FORMAT',
  /** 401: `authorize` did not accept the request. */
  unauthorized: 'INVALID_AUTHORIZATION_HEADER',
  /** 403: `authorize` answered `'forbidden'`. */
  forbidden: 'INSUFFICIENT_PERMISSIONS',
  /** 404: no such webhook or call. */
  notFound: 'NOT_FOUND',
  /** 404: no such endpoint. */
  invalidEndpoint: 'INVALID_ENDPOINT',
  /** 409: the call is being delivered right now, or the webhook kept changing while it was updated. */
  conflict: 'CONFLICT',
  /** 413: the body is larger than `maxBodyBytes`. */
  bodyTooLarge: 'REQUEST_BODY_TOO_LARGE',
  /** 415: a POST or PUT without a JSON `Content-Type`. */
  invalidContentType: 'INVALID_CONTENT_TYPE_HEADER',
  /** 422: a field or query parameter is invalid; `details.field` names it. */
  invalidField: 'INVALID_FIELD',
  /** 500: anything unexpected; nothing about it is revealed. */
  internal: 'INTERNAL_ERROR',
} as const;

export const jsonContentType = 'application/json; charset=utf-8';

/** A JSON API answer; the handler adds its security headers to every response. */
export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': jsonContentType },
  });
}

/** DatoCMS's error document, which its client turns into an `ApiError`. */
export function apiErrorResponse(status: number, errors: readonly ApiErrorEntry[]): Response {
  return jsonResponse(status, {
    data: errors.map((error) => ({
      id: randomBytes(3).toString('hex'),
      type: 'api_error',
      attributes: { code: error.code, details: error.details },
    })),
  });
}

/** One 422 entry per invalid field. */
export function invalidFieldErrors(
  issues: readonly { field: string; message: string }[],
): ApiErrorEntry[] {
  return issues.map((issue) => ({
    code: apiErrorCodes.invalidField,
    details: { field: issue.field, code: 'VALIDATION_INVALID', message: issue.message },
  }));
}

/**
 * Answers a hookline error with its status and DatoCMS-style code; `fieldName` turns a validation
 * issue's path into the name the client sent. Returns `null` for anything else (a 500 for the caller).
 */
export function hooklineErrorResponse(
  error: unknown,
  fieldName: (path: string) => string,
): Response | null {
  if (error instanceof HooklineValidationError) {
    return apiErrorResponse(
      422,
      invalidFieldErrors(
        error.issues.map((issue) => ({ field: fieldName(issue.path), message: issue.message })),
      ),
    );
  }
  if (error instanceof HooklineNotFoundError) {
    return apiErrorResponse(404, [
      {
        code: apiErrorCodes.notFound,
        details: {
          resource: error.resource === 'call' ? 'webhook_call' : 'webhook',
          id: error.id,
        },
      },
    ]);
  }
  if (error instanceof HooklineConflictError || error instanceof HooklineStateError) {
    return apiErrorResponse(409, [
      { code: apiErrorCodes.conflict, details: { message: error.message } },
    ]);
  }
  return null;
}
