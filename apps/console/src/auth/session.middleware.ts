import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { CsrfRejectedError, UnauthenticatedError } from '../http/console-errors';
import { readCookie, SESSION_COOKIE } from './cookies';
import { secretsMatch } from './secret-compare';
import type { Session, SessionStore } from './session-store';

/** The signed-in session of a request that passed `requireSession`. */
export function sessionOf(res: Response): Session {
  return res.locals['session'] as Session;
}

/** Every route after this one needs a live session; the error handler answers 401 otherwise. */
export function requireSession(sessions: SessionStore): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const session = sessions.find(readCookie(req, SESSION_COOKIE));
    if (!session) throw new UnauthenticatedError('Sign in to use the console');
    res.locals['session'] = session;
    next();
  };
}

/**
 * Every state-changing request (every POST) carries the session's CSRF token in its form: a
 * page of another site can make the browser post, but cannot read the token to put in it.
 */
export function requireCsrf(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && !secretsMatch(sessionOf(res).csrfToken, (req.body as Record<string, unknown> | undefined)?.['_csrf'])) {
      throw new CsrfRejectedError('The form was not sent from this console session; reload the page and try again');
    }
    next();
  };
}
