import { Router } from 'express';
import type { PublishedPixel } from '@attribution/pixel';
import { sendError } from '../http/error-codes';
import { isNotModified } from './conditional-get';
import { negotiateEncoding } from './negotiate-encoding';
import { precomputePixelAssets } from './pixel-assets';

const ROUTE = '/:version/tracking.js';

/**
 * Serves each published version of tracking.js at `/<version>/tracking.js`, as a CDN would: no
 * API key, cacheable by anyone, compressed once at boot. Only exact paths of published versions
 * are answered (case and trailing slash included); anything else falls through to the app's 404.
 */
export function pixelRoute(versions: readonly PublishedPixel[], onServed?: (version: string, status: 200 | 304) => void): Router {
  const assets = precomputePixelAssets(versions);
  const router = Router();
  router
    .route(ROUTE)
    // Express answers HEAD with the GET handler; Node then sends the headers without the body.
    .get((req, res, next) => {
      const asset = assets.get(req.path);
      if (!asset) return next();
      const representation = asset[negotiateEncoding(req.get('accept-encoding'))];
      // The path is `/<version>/tracking.js`, one of the published set: a bounded metric label.
      const version = req.path.split('/')[1]!;
      if (isNotModified(req.get('if-none-match'), representation.etag)) {
        res.writeHead(304, representation.notModifiedHeaders).end();
        onServed?.(version, 304);
        return;
      }
      res.writeHead(200, representation.headers).end(representation.body);
      onServed?.(version, 200);
    })
    .all((req, res, next) => {
      if (!assets.has(req.path)) return next();
      res.set('Allow', 'GET, HEAD');
      sendError(res, 'method_not_allowed');
    });
  return router;
}
