import { PassThrough } from 'node:stream';
import { createLogger, type StoredEvent } from '@attribution/core';
import { createDbClient, type Db } from '@attribution/db';
import { Lifecycle } from '@attribution/runtime';
import { createTestDatabase, TEST_CREDENTIALS_KEY, type TestDatabase, uniqueTopicPrefix } from '@attribution/testing';
import { encodeEventMessage, KafkaTransport, topicSpecs } from '@attribution/transport';
import { startDispatcher } from '../src/composition-root';
import { loadDispatcherConfig, type DispatcherConfig } from '../src/env';

export interface TestDispatcher {
  db: Db;
  config: DispatcherConfig;
  transport: KafkaTransport;
  opsUrl: string;
  /** Every log line so far. */
  logs(): string;
  /** Publishes stored events to the events topic, as the outbox relay does. */
  publish(events: StoredEvent[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A dispatcher in this process over the suite's real Kafka and a fresh PostgreSQL database, with
 * short retry tiers; `env` adds the fakes' URLs and overrides. The integration tests' common base.
 */
export async function startTestDispatcher(env: Record<string, string>): Promise<TestDispatcher> {
  const database: TestDatabase = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
  const db = createDbClient(database.url);
  const config = loadDispatcherConfig({
    DATABASE_URL: database.url,
    KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS,
    KAFKA_TOPIC_PREFIX: uniqueTopicPrefix(),
    KAFKA_PARTITIONS: '2',
    KAFKA_RETRY_DELAYS_MS: '200,400',
    DESTINATION_TIMEOUT_MS: '3000',
    CREDENTIALS_KEY: TEST_CREDENTIALS_KEY,
    DISPATCHER_PORT: '0',
    HOST: '127.0.0.1',
    ...env,
  });
  const transport = new KafkaTransport({ brokers: config.kafka!.brokers, clientId: 'dispatcher-test' });
  await transport.ensureTopics(topicSpecs(config.topics, config.partitions));
  let logs = '';
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const logger = createLogger({ service: 'worker', stream });
  const lifecycle = new Lifecycle({ logger, timeoutMs: 10_000 });
  const { ops } = await startDispatcher(config, { db, transport, logger, lifecycle });
  return {
    db,
    config,
    transport,
    opsUrl: ops.url,
    logs: () => logs,
    async publish(events) {
      const producer = transport.createProducer();
      await producer.connect();
      await producer.send(config.topics.events, events.map((e) => encodeEventMessage(e)));
      await producer.disconnect();
    },
    async stop() {
      const code = await lifecycle.shutdown('test');
      await transport.close();
      await db.$disconnect();
      await database.drop();
      if (code !== 0) throw new Error(`the dispatcher's shutdown exited ${code}`);
    },
  };
}
