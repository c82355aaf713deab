import type { RequestHandler } from 'express';
import { sendError } from './error-codes';

/** Answers 415 unless the body is JSON; sendBeacon's text/plain counts, since it cannot set one. */
export function requireJson(): RequestHandler {
  return (req, res, next) => {
    const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json' || type === 'text/plain') return next();
    sendError(res, 'unsupported_media_type');
  };
}
