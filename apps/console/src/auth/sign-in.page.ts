import type { Request, Response } from 'express';
import { html } from '../html/html';
import { layout } from '../html/layout';
import { randomSecret } from './secret-compare';
import { SIGN_IN_COOKIE, setCookie } from './cookies';

const SIGN_IN_FORM_TTL_MS = 30 * 60_000;

/**
 * The sign-in page, also the body of every 401 a browser gets. Each rendering pairs a fresh
 * token in the form with the same value in a cookie (double submit), so another site cannot
 * sign a browser in to a session of its choosing.
 */
export function sendSignInPage(req: Request, res: Response, status: 200 | 401, notice?: string): void {
  const formToken = randomSecret();
  setCookie(req, res, SIGN_IN_COOKIE, formToken, SIGN_IN_FORM_TTL_MS);
  res.status(status).type('html').send(
    layout(
      { title: 'Sign in' },
      html`${notice ? html`<p class="notice" role="alert">${notice}</p>` : null}
<form class="sign-in" method="post" action="/sign-in">
<input type="hidden" name="_csrf" value="${formToken}">
<label>Operator token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button>
</form>
<p class="hint">The token is <code>CONSOLE_ADMIN_TOKEN</code> (printed once by <code>npm start</code> when it generated one).</p>`,
    ).toString(),
  );
}
