import { Lifecycle, createLogger, runMain } from '@attribution/core';
import { createDbClient } from '@attribution/db';
import { loadPrunerConfig } from './env';
import { startPruner } from './pruner.service';

runMain('pruner', async () => {
  const config = loadPrunerConfig(process.env);
  const logger = createLogger({ service: 'pruner', level: config.logLevel });
  const lifecycle = new Lifecycle({ logger, timeoutMs: config.shutdownTimeoutMs });
  lifecycle.installSignalHandlers();
  const db = createDbClient(config.databaseUrl);
  const { ops } = await startPruner(config, { db, logger, lifecycle });
  lifecycle.add('database', () => db.$disconnect());
  logger.info('service_started', { port: Number(new URL(ops.url).port), schedule: config.schedule });
});
