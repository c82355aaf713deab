import type { Request, Response } from 'express';
import { html } from '../html/html';
import { layout } from '../html/layout';
import { randomSecret } from './secret-compare';
import { readCookie, SIGN_IN_COOKIE, setCookie } from './cookies';

const SIGN_IN_FORM_TTL_MS = 30 * 60_000;

const FORM_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The sign-in page, also the body of every 401 a browser gets. The form carries the same token
 * as a cookie (double submit), so another site cannot sign a browser in to a session of its
 * choosing. A browser that already has the cookie keeps its value: other requests answered with
 * this page meanwhile (another tab, the favicon) must not invalidate the form on screen.
 */
export function sendSignInPage(req: Request, res: Response, status: 200 | 401 | 429, notice?: string): void {
  const existing = readCookie(req, SIGN_IN_COOKIE);
  const formToken = existing && FORM_TOKEN.test(existing) ? existing : randomSecret();
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
