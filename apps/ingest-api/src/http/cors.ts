import type { RequestHandler } from 'express';

const ALLOWED_HEADERS = 'content-type, x-api-key, traceparent';
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
    res.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.set('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}
