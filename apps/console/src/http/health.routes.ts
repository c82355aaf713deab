import { Router } from 'express';
import { checkReadiness, type ReadinessCheck } from '@attribution/runtime';

/** Liveness and readiness on the console's port (the image's HEALTHCHECK and the probes use it); no data, no session. */
export function healthRoutes(checks: Record<string, ReadinessCheck>, isStopping: () => boolean): Router {
  const router = Router();
  router.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/ready', async (_req, res) => {
    const { ready, checks: results } = await checkReadiness(checks, isStopping());
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results });
  });
  return router;
}
