import { createHash } from 'node:crypto';
import { Router } from 'express';
import { CONSOLE_CSS } from '../assets/console-css';
import { LIVE_SCRIPT } from '../assets/live-script';

const ASSETS: Record<string, { type: string; body: string }> = {
  '/assets/console.css': { type: 'text/css; charset=utf-8', body: CONSOLE_CSS },
  '/assets/live.js': { type: 'text/javascript; charset=utf-8', body: LIVE_SCRIPT },
};

/** The stylesheet and the live view's script (no data in them: served without a session). */
export function staticRoutes(): Router {
  const router = Router();
  for (const [path, asset] of Object.entries(ASSETS)) {
    const etag = `"${createHash('sha256').update(asset.body).digest('base64url').slice(0, 16)}"`;
    router.get(path, (req, res) => {
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('etag', etag);
      if (req.headers['if-none-match'] === etag) return res.status(304).end();
      res.type(asset.type).send(asset.body);
    });
  }
  // Browsers ask for it on every page; without a session it would be a 401 sign-in page.
  router.get('/favicon.ico', (_req, res) => void res.status(204).end());
  return router;
}
