import { Router, type Request, type Response } from 'express';
import type { Logger } from '@attribution/core';
import { CsrfRejectedError, SignInThrottledError } from '../http/console-errors';
import { clearCookie, readCookie, SESSION_COOKIE, SIGN_IN_COOKIE, setCookie } from './cookies';
import { secretsMatch } from './secret-compare';
import { SignInThrottle } from './sign-in-throttle';
import { requireCsrf, requireSession, sessionOf } from './session.middleware';
import type { SessionStore } from './session-store';
import { sendSignInPage } from './sign-in.page';

export interface AuthDeps {
  adminToken: string;
  sessions: SessionStore;
  sessionTtlMs: number;
  logger: Logger;
}

/** Sign-in with the operator token, sign-out; the token itself is never stored in a cookie or shown. */
export function authRoutes(deps: AuthDeps): Router {
  const router = Router();
  const throttle = new SignInThrottle();
  router.get('/sign-in', (req, res) => sendSignInPage(req, res, 200));

  router.post('/sign-in', (req: Request, res: Response) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const formToken = readCookie(req, SIGN_IN_COOKIE);
    if (!formToken || !secretsMatch(formToken, form['_csrf'])) throw new CsrfRejectedError('The sign-in form expired or came from another site; reload it');
    // Counted per client address before the token is compared (docs/console.md, "Sign-in").
    const client = req.ip ?? 'unknown';
    const wait = throttle.waitSeconds(client);
    if (wait > 0) {
      deps.logger.warn('console_sign_in_throttled', { ip: client, retry_after_seconds: wait });
      throw new SignInThrottledError(wait);
    }
    if (!secretsMatch(deps.adminToken, form['token'])) {
      throttle.refused(client);
      deps.logger.warn('console_sign_in_refused', { ip: client });
      return sendSignInPage(req, res, 401, 'That token was not accepted.');
    }
    throttle.signedIn(client);
    const session = deps.sessions.create();
    clearCookie(req, res, SIGN_IN_COOKIE);
    setCookie(req, res, SESSION_COOKIE, session.id, deps.sessionTtlMs);
    deps.logger.info('console_signed_in', { ip: req.ip });
    res.redirect(303, '/tenants');
  });

  router.post('/sign-out', requireSession(deps.sessions), requireCsrf(), (req, res) => {
    deps.sessions.end(sessionOf(res).id);
    clearCookie(req, res, SESSION_COOKIE);
    res.redirect(303, '/sign-in');
  });
  return router;
}
