import { createLogger } from '@attribution/core';
import { createDbClient, type Db } from '@attribution/db';
import { Lifecycle } from '@attribution/runtime';
import { openBus, type Transport } from '@attribution/transport';
import { startConsole } from '../src/composition-root';
import { loadConsoleConfig } from '../src/env';
import { TEST_ADMIN_TOKEN } from './console-app';

export interface TestConsole {
  url: string;
  db: Db;
  transport: Transport;
  lifecycle: Lifecycle;
  stop(): Promise<number>;
}

/**
 * The console as deployed (its composition root, a real HTTP server on a free port) over a test
 * database and the bus `env` names: Kafka with KAFKA_BROKERS, else the in-process bus.
 */
export async function startTestConsole(databaseUrl: string, env: Record<string, string | undefined> = {}): Promise<TestConsole> {
  const config = loadConsoleConfig({
    DATABASE_URL: databaseUrl,
    CONSOLE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    CONSOLE_PORT: '0',
    CONSOLE_LIVE_POLL_MS: '200',
    HOST: '127.0.0.1',
    JAEGER_UI_URL: 'http://jaeger.example:16686',
    ...env,
  });
  const logger = createLogger({ service: 'console', level: 'error' });
  const lifecycle = new Lifecycle({ logger, timeoutMs: 10_000 });
  const db = createDbClient(databaseUrl, { poolMax: 4 });
  lifecycle.add('db', () => db.$disconnect(), 'clients');
  const transport = await openBus(config, lifecycle);
  const { url } = await startConsole(config, { db, transport, logger, lifecycle });
  return { url, db, transport, lifecycle, stop: () => lifecycle.shutdown('test') };
}
