import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from '@attribution/core';
import { DependencyUnavailableError } from '@attribution/runtime';
import type { Session } from '../auth/session-store';
import { sendSignInPage } from '../auth/sign-in.page';
import { html } from '../html/html';
import { layout } from '../html/layout';
import { CsrfRejectedError, InvalidInputError, PageNotFoundError, SignInThrottledError, UnauthenticatedError } from './console-errors';

/** A browser navigating (or a form) rather than a script or a probe. */
function wantsHtml(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'html';
}

function sendProblem(req: Request, res: Response, status: number, code: string, message: string): void {
  if (!wantsHtml(req)) {
    res.status(status).json({ error: code, message });
    return;
  }
  // Signed in (a 404 or 400 after requireSession): the page keeps its sign-out form.
  const csrfToken = (res.locals['session'] as Session | undefined)?.csrfToken;
  res.status(status).type('html').send(layout({ title: message, ...(csrfToken ? { csrfToken } : {}) }, html`<p><a href="/tenants">Back to the tenants</a></p>`).toString());
}

/**
 * The only place the console's errors become HTTP statuses. Messages are chosen here or by the
 * code that threw (fixed strings naming fields, never echoing what was sent).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof UnauthenticatedError) {
      if (wantsHtml(req) && req.method === 'GET') return sendSignInPage(req, res, 401);
      return sendProblem(req, res, 401, error.code, error.message);
    }
    if (error instanceof CsrfRejectedError) {
      logger.warn('console_csrf_rejected', { path: req.path });
      return sendProblem(req, res, 403, error.code, error.message);
    }
    if (error instanceof SignInThrottledError) {
      res.set('Retry-After', String(error.retryAfterSeconds));
      if (wantsHtml(req)) return sendSignInPage(req, res, 429, error.message);
      return sendProblem(req, res, 429, error.code, error.message);
    }
    if (error instanceof PageNotFoundError) return sendProblem(req, res, 404, error.code, error.message);
    if (error instanceof InvalidInputError) return sendProblem(req, res, 400, error.code, error.message);
    const parserStatus = (error as { status?: number } | null)?.status;
    if (parserStatus === 413) return sendProblem(req, res, 413, 'payload_too_large', 'The form is too large');
    if (parserStatus !== undefined && parserStatus >= 400 && parserStatus < 500) return sendProblem(req, res, 400, 'bad_request', 'Bad request');
    if (error instanceof DependencyUnavailableError) {
      logger.warn('dependency_unavailable', { dependency: error.dependency, error });
      res.set('Retry-After', '5');
      return sendProblem(req, res, 503, 'unavailable', `${error.dependency} is unavailable; try again in a moment`);
    }
    logger.error('request_failed', { error, path: req.path });
    return sendProblem(req, res, 500, 'internal', 'Something went wrong; the log has the details');
  };
}
