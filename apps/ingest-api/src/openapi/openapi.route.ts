import { createHash } from 'node:crypto';
import { Router } from 'express';
import { isNotModified } from '../pixel/conditional-get';

export const OPENAPI_PATH = '/v1/openapi.json';
/** The document changes only with a deploy: five minutes stale at most, then an ETag revalidation. */
export const OPENAPI_CACHE_CONTROL = 'public, max-age=300';

/**
 * Serves the OpenAPI document that `npm run build` wrote, as is: no key, cacheable, and readable
 * from any origin, since API explorers fetch it from their own pages.
 */
export function openApiRoute(document: Buffer): Router {
  const headers = {
    'Cache-Control': OPENAPI_CACHE_CONTROL,
    ETag: `"${createHash('sha256').update(document).digest('hex').slice(0, 16)}"`,
    'Access-Control-Allow-Origin': '*',
  };
  const router = Router();
  router.get(OPENAPI_PATH, (req, res) => {
    if (isNotModified(req.get('if-none-match'), headers.ETag)) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(document.length) }).end(document);
  });
  return router;
}
