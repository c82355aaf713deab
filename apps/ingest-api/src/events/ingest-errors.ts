import { AppError } from '@attribution/core';

export interface FieldProblem {
  /** Position in the batch; 0 for a single event. */
  index: number;
  field: string;
  message: string;
}

export class ValidationFailedError extends AppError {
  readonly code = 'validation_failed';
  readonly retryable = false;

  constructor(readonly problems: FieldProblem[]) {
    super('Request failed validation');
  }
}

export class AuthenticationError extends AppError {
  readonly code = 'unauthenticated';
  readonly retryable = false;
}

export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
  readonly retryable = false;
}

export class RateLimitedError extends AppError {
  readonly code = 'rate_limited';
  readonly retryable = true;

  constructor(readonly retryAfterSeconds: number) {
    super('Too many requests for this tenant; retry later');
  }
}
