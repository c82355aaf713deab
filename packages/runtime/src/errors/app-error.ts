/**
 * Domain errors say whether trying again can help; only the HTTP edge turns them into status
 * codes, and only the consumer turns them into retry or dead-letter decisions.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A dependency we cannot do without (Postgres, Kafka, a destination) is not answering. */
export class DependencyUnavailableError extends AppError {
  readonly code = 'dependency_unavailable';
  readonly retryable = true;

  constructor(
    readonly dependency: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options);
  }
}

/** Start-up configuration is wrong; retrying with the same environment cannot help. */
export class ConfigError extends AppError {
  readonly code = 'invalid_config';
  readonly retryable = false;

  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof AppError && error.retryable;
}
