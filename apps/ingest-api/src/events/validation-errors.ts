import { AppError } from '@attribution/runtime';

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
