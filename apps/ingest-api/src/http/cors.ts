import type { RequestHandler } from 'express';

export const ALLOWED_METHODS = 'POST, OPTIONS';
export const ALLOWED_HEADERS = 'content-type, x-api-key, traceparent';
export const PREFLIGHT_MAX_AGE_SECONDS = 600;
const EXPOSED_HEADERS = 'traceparent, x-trace-id, retry-after';

/**
 * CORS for the collection endpoint. No cookies or credentials are involved, so the origin is
 * reflected for every browser; what a browser may do is decided after authentication, where a
 * public key is accepted only from its tenant's allowed origins. `Authorization` is not an
 * allowed header: secret keys belong on servers.
 */
export function corsHeaders(): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin) {
      res.vary('Origin');
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    next();
  };
}

export function preflight(): RequestHandler {
  return (req, res) => {
    res.vary('Origin');
    res.vary('Access-Control-Request-Headers');
    res.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
    res.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.set('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
    res.status(204).end();
  };
}
