import { AppError } from '@attribution/runtime';

export type AuthFailure = 'missing_key' | 'malformed_key' | 'unknown_key' | 'revoked_key' | 'tenant_disabled';

/**
 * A refused key, with what an operator needs to find the caller: the key's display prefix (only
 * for a well-formed key: anything else might be personal data pasted by mistake) and the tenant
 * once the key is known.
 */
export class AuthenticationError extends AppError {
  readonly code = 'unauthenticated';
  readonly retryable = false;

  constructor(
    message: string,
    readonly reason: AuthFailure,
    readonly key?: { prefix: string; kind: string; tenantId?: string },
  ) {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
  readonly retryable = false;
}
