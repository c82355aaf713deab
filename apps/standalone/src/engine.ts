import { createLogger, type Logger } from '@attribution/core';
import { applyMigrations, openDatabase, type Db } from '@attribution/db';
import { startDispatcher, toDispatcherConfig } from '@attribution/dispatcher';
import { startIngestApi, toIngestConfig } from '@attribution/ingest-api';
import { startPruner, toPrunerConfig } from '@attribution/pruner';
import { Lifecycle } from '@attribution/runtime';
import { openBus } from '@attribution/transport';
import { localCredentialsKey, startLocalDatabase } from './embedded-defaults';
import type { StandaloneEnv } from './env';

export interface RunningEngine {
  ingestUrl: string;
  /** The ingest-api's ops server (/metrics, /health, /ready). */
  ingestOpsUrl: string;
  dispatcherUrl: string;
  prunerUrl: string;
  db: Db;
  logger: Logger;
  lifecycle: Lifecycle;
  /** Where the embedded PostgreSQL keeps its data; null with DATABASE_URL. */
  embeddedDataDir: string | null;
}

/**
 * All three apps in one process on the embedded defaults. Shutdown order: HTTP intake, relay,
 * consumer, pruner, then the shared bus, the database client and the embedded server.
 */
export async function startEngine(env: StandaloneEnv, options: { handleSignals?: boolean } = {}): Promise<RunningEngine> {
  const logger = createLogger({ service: 'api', level: env.LOG_LEVEL });
  const lifecycle = new Lifecycle({ logger, timeoutMs: env.SHUTDOWN_TIMEOUT_MS });
  if (options.handleSignals ?? true) lifecycle.installProcessHandlers();

  const embedded = env.DATABASE_URL ? null : await startLocalDatabase(env.DATA_DIR, env.EMBEDDED_PG_PORT, logger);
  if (embedded) lifecycle.add('embedded-postgres', () => embedded.stop(), 'servers');
  const databaseUrl = env.DATABASE_URL ?? embedded!.url;
  const credentialsKey = env.CREDENTIALS_KEY ?? (await localCredentialsKey(env.DATA_DIR));
  const migrations = await applyMigrations(databaseUrl);
  if (migrations.appliedMigrationNames.length > 0) logger.info('migrations_applied', { names: migrations.appliedMigrationNames });

  const resolved = { ...env, DATABASE_URL: databaseUrl, CREDENTIALS_KEY: credentialsKey };
  const ingestConfig = toIngestConfig(resolved);
  const db = openDatabase(databaseUrl, lifecycle);
  const transport = await openBus(ingestConfig, lifecycle);

  const ingest = await startIngestApi(ingestConfig, { db, transport, logger, lifecycle });
  const dispatcher = await startDispatcher(toDispatcherConfig(resolved), {
    db,
    transport,
    logger: createLogger({ service: 'worker', level: env.LOG_LEVEL }),
    lifecycle,
  });
  const pruner = await startPruner(toPrunerConfig(resolved), {
    db,
    logger: createLogger({ service: 'pruner', level: env.LOG_LEVEL }),
    lifecycle,
  });


  return {
    ingestUrl: ingest.url,
    ingestOpsUrl: ingest.opsUrl,
    dispatcherUrl: dispatcher.ops.url,
    prunerUrl: pruner.ops.url,
    db,
    logger,
    lifecycle,
    embeddedDataDir: embedded?.dataDir ?? null,
  };
}
