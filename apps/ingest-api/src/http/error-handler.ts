import type { ErrorRequestHandler } from 'express';
import { EventBatchSchema, type Logger, setLogContext } from '@attribution/core';
import { isUnstorableValueError } from '@attribution/db';
import { DependencyUnavailableError } from '@attribution/runtime';
import { AuthenticationError, ForbiddenError } from '../auth/auth-errors';
import { ValidationFailedError } from '../events/validation-errors';
import { sendError } from './error-codes';
import { RateLimitedError } from './rate-limiter';

interface BodyParserError {
  type?: string;
  status?: number;
}

/**
 * The only place errors become HTTP statuses. Messages are fixed strings chosen here, so no
 * request content (and so no personal data) is ever echoed back.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const parserType = (error as BodyParserError | null)?.type;
    if (parserType === 'entity.parse.failed') return sendError(res, 'invalid_json');
    if (parserType === 'entity.too.large') return sendError(res, 'payload_too_large');
    if (parserType === 'encoding.unsupported' || parserType === 'charset.unsupported') {
      return sendError(res, 'unsupported_encoding');
    }
    if (error instanceof ValidationFailedError) {
      const details = error.problems.map((problem) => ({ ...problem, field: safeFieldPath(problem.field), message: withoutValue(problem.message) }));
      return sendError(res, 'validation_failed', details);
    }
    if (error instanceof AuthenticationError) {
      logAuthError(logger, error);
      return sendError(res, 'unauthenticated', error.message);
    }
    if (error instanceof ForbiddenError) return sendError(res, 'forbidden', error.message);
    if (error instanceof RateLimitedError) {
      res.set('Retry-After', String(error.retryAfterSeconds));
      return sendError(res, 'rate_limited', error.message);
    }
    // Every database and bus client maps its connection failures to this error at the source
    // (packages/db db-errors.ts, the Kafka transport): an outage is a 503 the client retries.
    if (error instanceof DependencyUnavailableError) {
      logger.warn('dependency_unavailable', { dependency: error.dependency, error });
      res.set('Retry-After', '5');
      return sendError(res, 'unavailable');
    }
    if (isUnstorableValueError(error)) {
      // The batching writer splits a refused statement until only the request at fault fails.
      logger.warn('request_value_refused', { error });
      return sendError(res, 'unstorable_value');
    }
    if (isStackOverflow(error)) {
      // Only input nested thousands of levels deep recurses this far (validation, JSON.stringify).
      logger.warn('request_too_deep', { error });
      return sendError(res, 'too_deeply_nested');
    }
    // Any other client error a parser or the router raises (an aborted upload, a malformed
    // percent-encoding): all of them are 400s, whatever status they were created with.
    if ((error as BodyParserError | null)?.status && (error as BodyParserError).status! < 500) return sendError(res, 'bad_request');
    logger.error('request_failed', { error });
    return sendError(res, 'internal');
  };
}

/** Which key failed and why, for the runbook's 401 alert; never the key itself. */
function logAuthError(logger: Logger, error: AuthenticationError): void {
  if (error.key?.tenantId) setLogContext({ tenantId: error.key.tenantId });
  logger.warn('auth_error', {
    reason: error.reason,
    ...(error.key ? { key_prefix: error.key.prefix, key_kind: error.key.kind } : {}),
  });
}

/** A key that can name a field; anything else (an email address used as a key...) is not repeated. */
const FIELD_NAME = /^(?:[A-Za-z_][A-Za-z0-9_]{0,63}|\d+)$/;

/** Every key the event schema defines: these may always be named. */
const SCHEMA_KEYS = schemaKeys(EventBatchSchema.describe());

function schemaKeys(description: unknown, into = new Set<string>()): Set<string> {
  const node = description as { keys?: Record<string, unknown>; items?: unknown[]; matches?: Array<{ schema?: unknown }> } | null;
  for (const [key, child] of Object.entries(node?.keys ?? {})) {
    into.add(key);
    schemaKeys(child, into);
  }
  for (const item of node?.items ?? []) schemaKeys(item, into);
  for (const match of node?.matches ?? []) schemaKeys(match.schema, into);
  return into;
}

/**
 * A problem's path names the caller's keys, unknown ones included ("colour is not allowed"),
 * which helps as long as the key looks like a field name. A key that does not (an email address
 * used as a key, say) may be personal data: the path is cut after the schema's own keys and the
 * rest shown as `*`. The whole path is judged, since a key may itself contain dots.
 */
function safeFieldPath(field: string): string {
  const segments = field.split('.');
  if (field === '' || segments.every((segment) => FIELD_NAME.test(segment))) return field;
  const known: string[] = [];
  for (const segment of segments) {
    if (!SCHEMA_KEYS.has(segment) && !/^\d+$/.test(segment)) break;
    known.push(segment);
  }
  return [...known, '*'].join('.');
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /maximum call stack size exceeded/i.test(error.message);
}

/** The part of a Joi pattern message that follows the value it quotes. */
const AFTER_VALUE = [' fails to match the ', ' matches the inverted '];

/**
 * Joi's pattern rules quote the rejected value ("with value jane@example.com fails to match the
 * required pattern: ..."), unwrapped under our message options, so the caller's input (a
 * currency field holding an email address, say) would come back in the 400. Keep only what
 * follows the value; the value itself may contain anything, so the rule's own text is found
 * from the end.
 */
function withoutValue(message: string): string {
  if (!message.startsWith('with value ')) return message;
  for (const tail of AFTER_VALUE) {
    const at = message.lastIndexOf(tail);
    if (at >= 0) return message.slice(at + 1);
  }
  return 'is invalid';
}
