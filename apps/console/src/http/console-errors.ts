import { AppError } from '@attribution/runtime';

/** No signed-in session: browsers get the sign-in page, other clients a 401. */
export class UnauthenticatedError extends AppError {
  readonly code = 'unauthenticated';
  readonly retryable = false;
}

/** A form without this session's CSRF token (another site's page, or a stale tab). */
export class CsrfRejectedError extends AppError {
  readonly code = 'csrf_rejected';
  readonly retryable = false;
}

/** The tenant, event or page asked for does not exist (for this tenant). */
export class PageNotFoundError extends AppError {
  readonly code = 'not_found';
  readonly retryable = false;
}

/** A filter or form value the console cannot use; the message names the field, never its value. */
export class InvalidInputError extends AppError {
  readonly code = 'invalid_input';
  readonly retryable = false;
}
