import type { RequestHandler } from 'express';

/**
 * The console's Content-Security-Policy: scripts and styles only from its own /assets/ files (no
 * inline script, no inline style, no eval), live updates only from itself, forms only to itself,
 * never framed. The server's other defaults (nosniff, DENY framing) stay as set by createHttpServer. Pages are never cached: they show live state and carry CSRF tokens.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function pageHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('content-security-policy', CONSOLE_CSP);
    // Not the server default `no-referrer`: under it Chromium sends a form's POST with an opaque
    // origin, as if from another site, and withholds the SameSite=Strict cookies the form needs.
    // `same-origin` still sends nothing to any other site.
    res.setHeader('referrer-policy', 'same-origin');
    res.setHeader('cache-control', 'no-store');
    next();
  };
}
