import { Router } from 'express';
import { checkReadiness, type ReadinessCheck } from '@attribution/runtime';

/** Liveness says the process serves HTTP; readiness says its dependencies answer. */
export function healthRoute(checks: Record<string, ReadinessCheck>, isStopping: () => boolean): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const report = await checkReadiness(checks, isStopping());
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
  });
  return router;
}
