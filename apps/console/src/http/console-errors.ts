import { AppError } from '@attribution/runtime';

/** What a request did wrong: asking again the same way cannot help. */
abstract class RequestError extends AppError {
  readonly retryable = false;
}

/** No signed-in session: browsers get the sign-in page, other clients a 401. */
export class UnauthenticatedError extends RequestError {
  readonly code = 'unauthenticated';
}

/** A form without this session's CSRF token (another site's page, or a stale tab). */
export class CsrfRejectedError extends RequestError {
  readonly code = 'csrf_rejected';
}

/** The tenant, event or page asked for does not exist (for this tenant). */
export class PageNotFoundError extends RequestError {
  readonly code = 'not_found';
}

/** Too many refused sign-ins from this client: it must wait before trying again. */
export class SignInThrottledError extends AppError {
  readonly code = 'sign_in_throttled';
  readonly retryable = true;

  constructor(readonly retryAfterSeconds: number) {
    super(`Too many refused sign-ins; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`);
  }
}

/** A filter or form value the console cannot use; the message names the field, never its value. */
export class InvalidInputError extends RequestError {
  readonly code = 'invalid_input';
}
