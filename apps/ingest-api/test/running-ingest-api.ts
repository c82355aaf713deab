import { PassThrough } from 'node:stream';
import { createLogger } from '@attribution/core';
import { createDbClient, type Db } from '@attribution/db';
import { Lifecycle } from '@attribution/runtime';
import { createTestDatabase, type TestDatabase } from '@attribution/testing';
import { InProcessTransport, topicSpecs } from '@attribution/transport';
import { startIngestApi, type RunningIngestApi } from '../src/composition-root';
import { loadIngestConfig } from '../src/env';

export interface RunningApi {
  api: RunningIngestApi;
  db: Db;
  stop(): Promise<void>;
}

/**
 * The deployed ingest-api (its composition root, so the built OpenAPI document too) on a fresh
 * test database and the in-process bus; `env` overrides its variables.
 */
export async function startRunningApi(env: Record<string, string> = {}): Promise<RunningApi> {
  const database: TestDatabase = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
  const db = createDbClient(database.url);
  const logger = createLogger({ service: 'api', stream: new PassThrough(), level: 'warn' });
  const lifecycle = new Lifecycle({ logger, timeoutMs: 5_000 });
  const config = loadIngestConfig({ PORT: '0', INGEST_OPS_PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, KAFKA_PARTITIONS: '1', OTEL_SDK_DISABLED: 'true', ...env });
  const transport = new InProcessTransport();
  await transport.ensureTopics(topicSpecs(config.topics, 1));
  const api = await startIngestApi(config, { db, transport, logger, lifecycle });
  return {
    api,
    db,
    async stop() {
      await lifecycle.shutdown('test');
      await db.$disconnect();
      await database.drop();
    },
  };
}
