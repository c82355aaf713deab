import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'console_session';
/** Before sign-in: the double-submit token of the sign-in form (login CSRF). */
export const SIGN_IN_COOKIE = 'console_sign_in';

/** One cookie of the request, or undefined. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure when
 * the request came over HTTPS (directly, or through a proxy CONSOLE_TRUST_PROXY trusts).
 */
export function setCookie(req: Request, res: Response, name: string, value: string, maxAgeMs: number): void {
  res.cookie(name, value, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: maxAgeMs });
}

export function clearCookie(req: Request, res: Response, name: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}
