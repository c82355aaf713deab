import type { Response } from 'express';
import type { FieldProblem } from '../events/validation-errors';

/**
 * Every `error` code the public port answers with: its status, and its fixed message unless the
 * error itself says which case applies (which key problem, which origin rule). The error handler
 * and the routes answer through `sendError`, and the OpenAPI document is built from this table,
 * so a new code cannot be left out of the contract, nor a message differ from it.
 */
export const ERRORS = {
  invalid_json: { status: 400, message: 'Invalid JSON' },
  validation_failed: { status: 400, message: 'Request failed validation' },
  unstorable_value: { status: 400, message: 'Request contains text that cannot be stored (a NUL character or an unpaired UTF-16 surrogate)' },
  too_deeply_nested: { status: 400, message: 'Request body is nested too deeply' },
  bad_request: { status: 400, message: 'Bad request' },
  unauthenticated: { status: 401 },
  forbidden: { status: 403 },
  not_found: { status: 404, message: 'No such endpoint' },
  method_not_allowed: { status: 405, message: 'Only GET and HEAD are allowed here' },
  payload_too_large: { status: 413, message: 'Request body is too large' },
  unsupported_media_type: { status: 415, message: 'Content-Type must be application/json' },
  unsupported_encoding: { status: 415, message: 'Unsupported content encoding or charset' },
  rate_limited: { status: 429 },
  internal: { status: 500, message: 'Internal error' },
  unavailable: { status: 503, message: 'Service temporarily unavailable, retry later' },
} satisfies Record<string, { status: number; message?: string }>;

export type ErrorCode = keyof typeof ERRORS;
/** The codes whose message is fixed in the table. */
export type FixedMessageCode = { [C in ErrorCode]: (typeof ERRORS)[C] extends { message: string } ? C : never }[ErrorCode];
/** The codes whose message comes with the error. */
export type OwnMessageCode = Exclude<ErrorCode, FixedMessageCode>;

export interface ErrorBody {
  error: ErrorCode;
  message: string;
  details?: FieldProblem[];
}

export function sendError(res: Response, code: FixedMessageCode, details?: FieldProblem[]): void;
export function sendError(res: Response, code: OwnMessageCode, message: string): void;
export function sendError(res: Response, code: ErrorCode, detailsOrMessage?: FieldProblem[] | string): void {
  const fixed = (ERRORS[code] as { message?: string }).message;
  const message = typeof detailsOrMessage === 'string' ? detailsOrMessage : fixed!;
  const body: ErrorBody = Array.isArray(detailsOrMessage) ? { error: code, message, details: detailsOrMessage } : { error: code, message };
  res.status(ERRORS[code].status).json(body);
}
