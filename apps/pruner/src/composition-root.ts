import type { Logger } from '@attribution/core';
import { openDatabase, pingDatabase, type Db } from '@attribution/db';
import { createAppMetrics, startOpsServer, type AppMetrics, type Lifecycle, type OpsServer, type ServiceContext } from '@attribution/runtime';
import type { PrunerConfig } from './env';
import { PruneScheduler } from './prune.scheduler';
import { PruneService } from './prune.service';
import { createPrunerMetrics } from './pruner.metrics';

export interface PrunerDeps {
  db: Db;
  logger: Logger;
  lifecycle: Lifecycle;
  /** Shared when several apps run in one process. */
  metrics?: AppMetrics;
}

export interface RunningPruner {
  ops: OpsServer;
  service: PruneService;
}

export function createPruneService(config: PrunerConfig, deps: Omit<PrunerDeps, 'lifecycle'> & { shouldStop?: () => boolean }): PruneService {
  const metrics = deps.metrics ?? createAppMetrics('pruner', config.observability.version, config.observability.metrics);
  return new PruneService(
    { databaseUrl: config.databaseUrl, batchSize: config.prune.batchSize, batchPauseMs: config.prune.batchPauseMs },
    { db: deps.db, logger: deps.logger, metrics: createPrunerMetrics(metrics), ...(deps.shouldStop ? { shouldStop: deps.shouldStop } : {}) },
  );
}

/**
 * The pruner's composition root, long-running form: runs on the cron schedule and serves health,
 * readiness and metrics.
 */
export async function startPruner(config: PrunerConfig, deps: PrunerDeps): Promise<RunningPruner> {
  const { db, logger, lifecycle } = deps;
  const metrics = deps.metrics ?? createAppMetrics('pruner', config.observability.version, config.observability.metrics);
  const service = createPruneService(config, { db, logger, metrics, shouldStop: () => lifecycle.stopping });
  const scheduler = new PruneScheduler({ schedule: config.prune.schedule }, { service, logger });
  scheduler.start();
  const checks = { postgres: () => pingDatabase(db) };
  const watcher = metrics.watchDependencies(checks);
  const ops = await startOpsServer({
    port: config.http.port,
    host: config.http.host,
    isStopping: () => lifecycle.stopping,
    limits: config.httpLimits,
    checks,
    routes: { '/metrics': () => metrics.render() },
  });
  lifecycle.add('pruner-scheduler', () => scheduler.stop());
  lifecycle.add('pruner-ops', async () => {
    watcher.stop();
    await ops.close();
  });
  return { ops, service };
}

/** The deployed pruner: its own database client (closed after its stages), then the scheduler. */
export async function runPruner({ config, logger, lifecycle }: ServiceContext<PrunerConfig>): Promise<{ port: number; schedule: string }> {
  const db = openDatabase(config.databaseUrl, lifecycle);
  const { ops } = await startPruner(config, { db, logger, lifecycle });
  return { port: Number(new URL(ops.url).port), schedule: config.prune.schedule };
}
