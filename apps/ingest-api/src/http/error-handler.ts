import type { ErrorRequestHandler } from 'express';
import { DependencyUnavailableError, type Logger } from '@attribution/core';
import { AuthenticationError, ForbiddenError, RateLimitedError, ValidationFailedError } from '../events/ingest-errors';

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
    if (parserType === 'entity.parse.failed') return res.status(400).json({ error: 'invalid_json', message: 'Invalid JSON' });
    if (parserType === 'entity.too.large') return res.status(413).json({ error: 'payload_too_large', message: 'Request body is too large' });
    if (parserType === 'encoding.unsupported' || parserType === 'charset.unsupported') {
      return res.status(415).json({ error: 'unsupported_encoding', message: 'Unsupported content encoding or charset' });
    }
    if (error instanceof ValidationFailedError) {
      return res.status(400).json({ error: 'validation_failed', message: 'Request failed validation', details: error.problems });
    }
    if (error instanceof AuthenticationError) return res.status(401).json({ error: 'unauthenticated', message: error.message });
    if (error instanceof ForbiddenError) return res.status(403).json({ error: 'forbidden', message: error.message });
    if (error instanceof RateLimitedError) {
      return res.status(429).set('Retry-After', String(error.retryAfterSeconds)).json({ error: 'rate_limited', message: error.message });
    }
    if (error instanceof DependencyUnavailableError) {
      logger.warn('dependency_unavailable', { dependency: error.dependency, error });
      return res.status(503).set('Retry-After', '5').json({ error: 'unavailable', message: 'Service temporarily unavailable, retry later' });
    }
    if ((error as BodyParserError | null)?.status && (error as BodyParserError).status! < 500) {
      return res.status((error as BodyParserError).status!).json({ error: 'bad_request', message: 'Bad request' });
    }
    logger.error('request_failed', { error });
    return res.status(500).json({ error: 'internal', message: 'Internal error' });
  };
}
