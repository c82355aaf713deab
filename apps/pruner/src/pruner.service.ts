import { startOpsServer, type Lifecycle, type Logger, type OpsServer } from '@attribution/core';
import type { PrismaClient } from '@attribution/db';
import type { PrunerConfig } from './env';
import { PruneScheduler } from './prune.scheduler';
import { PruneService } from './prune.service';

export interface PrunerDeps {
  db: PrismaClient;
  logger: Logger;
  lifecycle: Lifecycle;
}

export interface RunningPruner {
  ops: OpsServer;
  service: PruneService;
}

export async function startPruner(config: PrunerConfig, deps: PrunerDeps): Promise<RunningPruner> {
  const { db, logger, lifecycle } = deps;
  const service = new PruneService({ batchSize: config.batchSize }, { db, logger, shouldStop: () => lifecycle.stopping });
  const scheduler = new PruneScheduler({ schedule: config.schedule }, { service, logger });
  scheduler.start();
  const ops = await startOpsServer({
    port: config.http.port,
    host: config.http.host,
    isStopping: () => lifecycle.stopping,
    checks: { postgres: () => db.$queryRaw`SELECT 1`.then(() => undefined) },
  });
  lifecycle.add('pruner-scheduler', () => scheduler.stop());
  lifecycle.add('pruner-ops', () => ops.close());
  return { ops, service };
}
