import type { Response } from 'express';
import type { FieldProblem } from '../events/validation-errors';

/**
 * Every `error` code the public port answers with, and its status. The error handler and the
 * routes answer through `sendError`, and the OpenAPI document lists each status's codes from this
 * table, so a new code cannot be left out of the contract.
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  validation_failed: 400,
  unstorable_value: 400,
  too_deeply_nested: 400,
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unsupported_encoding: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: ErrorCode;
  message: string;
  details?: FieldProblem[];
}

export function sendError(res: Response, code: ErrorCode, message: string, details?: FieldProblem[]): void {
  const body: ErrorBody = details ? { error: code, message, details } : { error: code, message };
  res.status(ERROR_STATUS[code]).json(body);
}
