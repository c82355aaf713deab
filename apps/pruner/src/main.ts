import { createLogger } from '@attribution/core';
import { runMain, runService, startTracing } from '@attribution/runtime';
import { loadPrunerConfig } from './env';

/**
 * `node main.js` runs the pruner on its schedule; `node main.js --once` runs it now and exits
 * (0 on success, also when another pruner holds the lock; 1 on failure), for a Kubernetes CronJob.
 */
if (process.argv.includes('--once')) {
  runMain('pruner', async () => {
    const config = loadPrunerConfig(process.env);
    const tracing = startTracing('pruner', config.observability.tracing);
    // Loaded after tracing starts, so pg is instrumented.
    const [{ createDbClient }, { createPruneService }] = await Promise.all([import('@attribution/db'), import('./composition-root')]);
    const logger = createLogger({ service: 'pruner', level: config.logLevel });
    const db = createDbClient(config.databaseUrl);
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
  });
} else {
  runService({
    name: 'pruner',
    logAs: 'pruner',
    config: () => loadPrunerConfig(process.env),
    // Loaded after tracing starts, so pg is instrumented.
    start: async (context) => (await import('./composition-root')).runPruner(context),
  });
}
