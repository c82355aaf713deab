import { Lifecycle, createLogger, runMain, startTracing } from '@attribution/core';
import { loadPrunerConfig } from './env';

/**
 * `node main.js` runs the pruner on its schedule; `node main.js --once` runs it now and exits
 * (0 on success, also when another pruner holds the lock; 1 on failure), for a Kubernetes CronJob.
 */
runMain('pruner', async () => {
  const config = loadPrunerConfig(process.env);
  const tracing = startTracing('pruner', config.observability.tracing);
  // Loaded after tracing starts, so pg is instrumented.
  const { createDbClient } = await import('@attribution/db');
  const { createPruneService, startPruner } = await import('./pruner.service');
  const logger = createLogger({ service: 'pruner', level: config.logLevel });
  const db = createDbClient(config.databaseUrl);

  if (process.argv.includes('--once')) {
    let code = 0;
    try {
      const report = await createPruneService(config, { db, logger }).pruneAll();
      logger.info('prune_run_finished', { ...report });
    } catch (error) {
      logger.error('prune_failed', { error });
      code = 1;
    }
    await db.$disconnect();
    await tracing.shutdown();
    await logger.close();
    process.exit(code);
  }

  const lifecycle = new Lifecycle({ logger, timeoutMs: config.shutdownTimeoutMs });
  lifecycle.installSignalHandlers();
  const { ops } = await startPruner(config, { db, logger, lifecycle });
  lifecycle.add('database', () => db.$disconnect());
  lifecycle.add('tracing', () => tracing.shutdown());
  logger.info('service_started', { port: Number(new URL(ops.url).port), schedule: config.schedule });
});
