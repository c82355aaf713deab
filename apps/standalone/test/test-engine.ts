import { TEST_CREDENTIALS_KEY, uniqueTopicPrefix } from '@attribution/testing';
import { startEngine, type RunningEngine } from '../src/engine';
import { loadStandaloneEnv } from '../src/env';

/**
 * The whole engine in the test process, on the run's PostgreSQL (a database of the test file's
 * own) and Kafka broker (topics of its own), delivering to a fake Meta, on free ports. Tests
 * only: the caller shuts it down with `engine.lifecycle.shutdown()`.
 */
export function startTestEngine(options: { databaseUrl: string; kafkaBrokers: string | undefined; metaGraphUrl: string }): Promise<RunningEngine> {
  return startEngine(
    loadStandaloneEnv({
      DATABASE_URL: options.databaseUrl,
      KAFKA_BROKERS: options.kafkaBrokers,
      KAFKA_TOPIC_PREFIX: uniqueTopicPrefix(),
      KAFKA_PARTITIONS: '2',
      CREDENTIALS_KEY: TEST_CREDENTIALS_KEY,
      META_GRAPH_URL: options.metaGraphUrl,
      PORT: '0',
      INGEST_OPS_PORT: '0',
      DISPATCHER_PORT: '0',
      PRUNER_PORT: '0',
      CONSOLE_PORT: '0',
      CONSOLE_ADMIN_TOKEN: 'standalone-test-console-token-0123456789',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      DEMO_TENANT: 'false',
    }),
    { handleSignals: false },
  );
}
